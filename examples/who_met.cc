// Loads a Quipu script into a fresh database and answers a question: who met
// the person named on the command line, and when.
//   who_met DB_DIR datasets/peru_china/seed.qql "Xi Jinping"
#include <quipu/database.h>

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: who_met DB_DIR SCRIPT.qql NAME\n";
    return 2;
  }
  auto db = quipu::Database::Open(argv[1]);
  if (!db.ok()) {
    std::cerr << db.status().ToString() << "\n";
    return 1;
  }
  std::ifstream in(argv[2]);
  std::stringstream script;
  script << in.rdbuf();
  if (quipu::Status s = (*db)->ExecuteScript(script.str(), nullptr); !s.ok()) {
    std::cerr << quipu::FormatError(s, script.str()) << "\n";
    return 1;
  }
  auto result = (*db)->Execute(
      "match (p)-[m:met_with]->(x {name: $who}) return p.name, m.since order by p.name;",
      {{"who", quipu::Value(argv[3])}});
  if (!result.ok()) {
    std::cerr << result.status().ToString() << "\n";
    return 1;
  }
  for (const auto& row : result->rows) {
    std::cout << row[0].ToString() << " met " << argv[3] << " on " << row[1].ToString() << "\n";
  }
  return 0;
}
