"""Runs the ```python blocks of README.md as written, from the repository
root, and checks that each prints what its last comment line says."""
import contextlib
import io
import os
import re
import shutil
import sys
import tempfile

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
os.chdir(root)
with open("README.md", encoding="utf-8") as f:
    blocks = re.findall(r"^```python\n(.*?)^```", f.read(), re.S | re.M)
if not blocks:
    sys.exit("README.md has no ```python block")
# What the blocks create in the temp dir goes when the test ends.
tempfile.tempdir = tempfile.mkdtemp(prefix="quipu-readme-")
for block in blocks:
    expected = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    if expected and out.getvalue().rstrip("\n") != "\n".join(expected):
        sys.exit(f"README.md python block printed:\n{out.getvalue()}expected:\n" +
                 "\n".join(expected))
shutil.rmtree(tempfile.tempdir)
print(f"README.md: {len(blocks)} python block(s) ran as written")
