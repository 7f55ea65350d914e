#include "import/rdf_reader.h"

#include <serd/serd.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/utf8.h"
#include "import/rdf_terms.h"

namespace quipu::import {
namespace {

// One read: serd's callbacks get a pointer to it.
class SerdRead {
 public:
  SerdRead(FileSource* source, const RdfReadOptions& options, const RdfSink& sink,
           LoadReport* report)
      : source_(source), options_(options), sink_(sink), report_(report) {}

  ~SerdRead() {
    if (reader_ != nullptr) serd_reader_free(reader_);
    if (env_ != nullptr) serd_env_free(env_);
  }

  Status Run() {
    std::string base = options_.base_iri;
    if (base.empty()) {
      std::error_code ec;
      const std::string abs = std::filesystem::absolute(source_->path(), ec).string();
      SerdNode file_uri = serd_node_new_file_uri(reinterpret_cast<const uint8_t*>(abs.c_str()),
                                                 nullptr, nullptr, true);
      base.assign(reinterpret_cast<const char*>(file_uri.buf), file_uri.n_bytes);
      serd_node_free(&file_uri);
    }
    SerdNode base_node = serd_node_from_string(SERD_URI, U(base.c_str()));
    env_ = serd_env_new(&base_node);
    const SerdSyntax syntax = options_.syntax == RdfSyntax::kNTriples ? SERD_NTRIPLES
                              : options_.syntax == RdfSyntax::kNQuads ? SERD_NQUADS
                                                                      : SERD_TURTLE;
    reader_ = serd_reader_new(syntax, this, nullptr, &OnBase, &OnPrefix, &OnStatement, nullptr);
    serd_reader_set_strict(reader_, !report_->skip_errors);
    serd_reader_set_error_sink(reader_, &OnError, this);
    if (!options_.blank_prefix.empty()) {
      serd_reader_add_blank_prefix(reader_, U(options_.blank_prefix.c_str()));
    }
    // N-Triples and N-Quads hold a statement a line: each line goes to serd
    // as a string, so serd runs over memory and line_ is the line it reads.
    // Turtle's statements span lines: a page of 1 byte, serd pulls each byte
    // through ReadByte, so line_ and column_ always say where serd is.
    const SerdStatus st = options_.syntax == RdfSyntax::kTurtle
                              ? serd_reader_read_source(reader_, &ReadByte, &StreamError, this,
                                                        U(source_->path().c_str()), 1)
                              : ReadLines();
    if (!source_->status().ok()) return source_->status();
    if (!failure_.ok()) return failure_;
    if (st != SERD_SUCCESS && st != SERD_FAILURE && !report_->skip_errors) {
      return Status::InvalidArgument(Where(line_, column_) + "invalid " + SyntaxName() + " (" +
                                     reinterpret_cast<const char*>(serd_strerror(st)) + ")");
    }
    return Status::Ok();
  }

 private:
  static const uint8_t* U(const char* s) { return reinterpret_cast<const uint8_t*>(s); }
  static std::string_view View(const SerdNode* n) {
    return {reinterpret_cast<const char*>(n->buf), n->n_bytes};
  }

  std::string SyntaxName() const {
    return options_.syntax == RdfSyntax::kNTriples ? "N-Triples"
           : options_.syntax == RdfSyntax::kNQuads ? "N-Quads"
                                                   : "Turtle";
  }

  std::string Where(uint64_t line, uint64_t column) const {
    return Position(source_->path(), line, column);
  }

  // With on error skip: records the error and makes serd stop at its next
  // error (strict again), keeping what was read.
  void StopReading(const std::string& positioned) {
    if (stopped_) return;
    stopped_ = true;
    Error(positioned);
    serd_reader_set_strict(reader_, true);
  }

  // Records an error: fatal in strict mode, counted with skip_errors.
  void Error(const std::string& positioned) {
    if (!failure_.ok()) return;
    failure_ = report_->Fail(positioned);
  }

  // Hands serd the source's lines one by one; returns serd's status of the
  // last line it read. Each line keeps its break: lax serd, after an error,
  // skips to the next break and, at the end of a string without one, would
  // wait for it forever.
  SerdStatus ReadLines() {
    line_mode_ = true;
    SerdStatus st = SERD_SUCCESS;
    std::string carried;  // a line that runs past the end of buffer_
    for (;;) {
      if (!failure_.ok() || stopped_) break;
      if (!report_->skip_errors && st != SERD_SUCCESS && st != SERD_FAILURE) break;
      size_t length = 0;  // with the break
      const char* text = NextLine(&carried, &length);
      if (text == nullptr) break;
      ++line_;
      // serd reads C strings: a NUL byte would end the line early.
      if (const void* nul = std::memchr(text, '\0', length); nul != nullptr) {
        StopAtNul(static_cast<const char*>(nul) - text);
        break;
      }
      column_ = length - 1;
      if (report_->skip_errors) serd_reader_set_strict(reader_, false);  // OnError may set it
      st = serd_reader_read_string(reader_, reinterpret_cast<const uint8_t*>(text));
      if (text != carried.c_str()) *next_line_ = saved_;  // what the terminator covered
    }
    return st;
  }

  // The next line of the source, its break included (one is added to a last
  // line without), NUL-terminated: in buffer_, where the terminator covers
  // the first byte of the line after (saved_ until the caller puts it back
  // at next_line_), or in `carried`; null at the end of the source.
  const char* NextLine(std::string* carried, size_t* length) {
    carried->clear();
    for (;;) {
      if (pos_ == end_) {
        // One byte spare after the data, for the terminator of its last line.
        end_ = source_->Read(buffer_, sizeof(buffer_) - 1);
        pos_ = 0;
        if (end_ == 0) {
          if (carried->empty()) return nullptr;
          carried->push_back('\n');
          *length = carried->size();
          return carried->c_str();
        }
      }
      char* start = buffer_ + pos_;
      const auto* brk = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      const size_t n = brk != nullptr ? brk + 1 - start : end_ - pos_;
      bytes_read_ += n;
      pos_ += n;
      if (brk != nullptr && carried->empty()) {
        next_line_ = start + n;
        saved_ = *next_line_;
        *next_line_ = '\0';
        *length = n;
        return start;
      }
      carried->append(start, n);
      if (brk != nullptr) {
        *length = carried->size();
        return carried->c_str();
      }
    }
  }

  // The line being read holds a NUL byte after `before` bytes: serd reads
  // C strings and would lose the rest of the statement without a word. Text
  // cannot hold NUL, as in a statement; on error skip too the file ends here
  // (the line is not loaded).
  void StopAtNul(size_t before) {
    column_ = before + 1;
    Error(Where(line_, column_) +
          "a NUL byte: text cannot contain NUL bytes; the rest of the file is not read");
    nul_seen_ = true;
    stopped_ = true;
  }

  static size_t ReadByte(void* buf, size_t size, size_t nmemb, void* stream) {
    auto* self = static_cast<SerdRead*>(stream);
    (void)size, (void)nmemb;             // page size 1: one byte per call
    if (!self->failure_.ok()) return 0;  // stop: serd sees the end of the input
    if (self->pos_ == self->end_) {
      if (self->at_end_ && self->report_->skip_errors) {
        // Recovering from an error at the end (on error skip), serd skips
        // to the next line break and, at the end, would ask forever: give
        // it line breaks (a bounded number) to stop at.
        if (++self->breaks_after_end_ > kMaxBreaksAfterEnd) return 0;
        *static_cast<char*>(buf) = '\n';
        return 1;
      }
      self->end_ = self->source_->Read(self->buffer_, sizeof(self->buffer_));
      self->pos_ = 0;
      if (self->end_ == 0) {
        self->at_end_ = true;
        return 0;
      }
    }
    const char c = self->buffer_[self->pos_++];
    ++self->bytes_read_;
    if (self->at_line_start_) ++self->line_, self->column_ = 0, self->at_line_start_ = false;
    ++self->column_;
    if (c == '\0') {
      // serd reads C strings: a NUL would end its text and lose the rest of
      // the statement without a word. Text cannot hold NUL, as in a
      // statement; on error skip too the file ends here (serd has no line
      // end to resume at), and the error serd then meets is not another.
      self->Error(self->Where(self->line_, self->column_) +
                  "a NUL byte: text cannot contain NUL bytes; the rest of the file is not read");
      self->nul_seen_ = true;
      self->at_end_ = true;
      self->pos_ = self->end_;
      return 0;
    }
    if (c == '\n') self->at_line_start_ = true;
    *static_cast<char*>(buf) = c;
    return 1;
  }

  static int StreamError(void* stream) {
    auto* self = static_cast<SerdRead*>(stream);
    return self->source_->status().ok() ? 0 : 1;
  }

  static SerdStatus OnError(void* handle, const SerdError* error) {
    auto* self = static_cast<SerdRead*>(handle);
    if (self->nul_seen_) {  // reported at the NUL: stop at this one
      self->stopped_ = true;
      serd_reader_set_strict(self->reader_, true);
      return SERD_SUCCESS;
    }
    if (self->breaks_after_end_ > 0) {
      // Still recovering at the end, on the line breaks ReadByte gave:
      // strict again, serd stops at this error.
      self->StopReading(self->Where(self->line_, self->column_) + "unexpected end of file");
      return SERD_SUCCESS;
    }
    char text[512];
    va_list args;
    va_copy(args, *error->args);
    vsnprintf(text, sizeof(text), error->fmt, args);
    va_end(args);
    std::string message(text);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    uint64_t column = error->col;
    if (self->line_mode_ && error->line > 1) {
      // Past the line's break (a comment ran to it): the statement ended
      // with its line. Lax serd would wait for more text at the end of the
      // string forever; strict, it stops (ReadLines makes it lax again).
      column = self->column_ + 1;
      serd_reader_set_strict(self->reader_, true);
    }
    self->Error(self->Where(self->line_mode_ ? self->line_ : error->line, column) + message);
    self->last_error_line_ = self->line_mode_ ? self->line_ : error->line;
    // With on error skip, serd 0.30 can repeat an error without reading a
    // byte (invalid UTF-8 in some places), forever.
    if (self->bytes_read_ != self->bytes_at_error_) {
      self->bytes_at_error_ = self->bytes_read_;
      self->errors_in_place_ = 0;
    } else if (++self->errors_in_place_ == kMaxErrorsInPlace) {
      self->StopReading(self->Where(self->line_mode_ ? self->line_ : error->line, error->col) +
                        "the reader cannot get past this error; the rest of the file is not read");
    }
    return SERD_SUCCESS;
  }

  static SerdStatus OnBase(void* handle, const SerdNode* uri) {
    return serd_env_set_base_uri(static_cast<SerdRead*>(handle)->env_, uri);
  }

  static SerdStatus OnPrefix(void* handle, const SerdNode* name, const SerdNode* uri) {
    return serd_env_set_prefix(static_cast<SerdRead*>(handle)->env_, name, uri);
  }

  // An IRI, a prefixed name or a blank node as a value; false on error.
  bool NodeValue(const SerdNode* node, Value* out) {
    switch (node->type) {
      case SERD_BLANK:
        *out = Value(Entity{"_:" + std::string(View(node))});
        return true;
      case SERD_URI:
      case SERD_CURIE: {
        std::string iri;
        if (!Expand(node, &iri)) return false;
        *out = Value(Entity{std::move(iri)});
        return true;
      }
      default:
        return false;
    }
  }

  bool Expand(const SerdNode* node, std::string* out) {
    if (node->type == SERD_URI && options_.syntax != RdfSyntax::kTurtle) {
      out->assign(View(node));  // N-Triples and N-Quads IRIs are absolute
    } else {
      SerdNode expanded = serd_env_expand_node(env_, node);
      if (expanded.buf == nullptr) {
        Error(Where(line_, column_) +
              (node->type == SERD_CURIE
                   ? "undefined prefix in '" + std::string(View(node)) + "'"
                   : "cannot resolve the IRI <" + std::string(View(node)) + ">"));
        return false;
      }
      out->assign(reinterpret_cast<const char*>(expanded.buf), expanded.n_bytes);
      serd_node_free(&expanded);
      if (node->type == SERD_URI && !serd_uri_string_has_scheme(node->buf)) {
        *out = RemoveDotSegments(*out);
      }
    }
    if (!IsValidUtf8(*out)) {
      Error(Where(line_, column_) + "invalid UTF-8 or an escaped surrogate in an IRI");
      return false;
    }
    return true;
  }

  bool ObjectValue(const SerdNode* object, const SerdNode* datatype, const SerdNode* lang,
                   Value* out) {
    if (object->type != SERD_LITERAL) return NodeValue(object, out);
    const std::string_view text = View(object);
    if (!IsValidUtf8(text)) {
      Error(Where(line_, column_) + "invalid UTF-8 or an escaped surrogate in a literal");
      return false;
    }
    // As the language refuses "\u0000": one rule for text from anywhere.
    if (text.find('\0') != std::string_view::npos) {
      Error(Where(line_, column_) + "\\u0000 in a literal: text cannot contain NUL bytes");
      return false;
    }
    std::string type_iri;
    if (datatype != nullptr && datatype->buf != nullptr && !Expand(datatype, &type_iri)) {
      return false;
    }
    const std::string_view tag = lang != nullptr && lang->buf != nullptr ? View(lang) : "";
    *out = LiteralValue(text, type_iri, tag);
    return true;
  }

  static SerdStatus OnStatement(void* handle, SerdStatementFlags /*flags*/, const SerdNode* graph,
                                const SerdNode* subject, const SerdNode* predicate,
                                const SerdNode* object, const SerdNode* datatype,
                                const SerdNode* lang) {
    auto* self = static_cast<SerdRead*>(handle);
    if (!self->failure_.ok()) return SERD_ERR_INTERNAL;
    // Lax serd still hands over some statements it reported an error in (an
    // IRI with a space): the error counted them as skipped, so skip them.
    if (self->line_ == self->last_error_line_) return SERD_SUCCESS;
    RdfStatement st;
    if (!self->NodeValue(subject, &st.subject) || !self->NodeValue(predicate, &st.predicate) ||
        !self->ObjectValue(object, datatype, lang, &st.object)) {
      return self->failure_.ok() ? SERD_SUCCESS : SERD_ERR_BAD_SYNTAX;
    }
    if (graph != nullptr && graph->buf != nullptr) {
      Value g;
      if (!self->NodeValue(graph, &g))
        return self->failure_.ok() ? SERD_SUCCESS : SERD_ERR_BAD_SYNTAX;
      st.graph = std::move(g);
    }
    if (Status s = self->sink_(st); !s.ok()) {
      self->failure_ = s;
      return SERD_ERR_INTERNAL;
    }
    return SERD_SUCCESS;
  }

  FileSource* source_;
  const RdfReadOptions& options_;
  const RdfSink& sink_;
  LoadReport* report_;
  SerdEnv* env_ = nullptr;
  SerdReader* reader_ = nullptr;
  Status failure_;
  char buffer_[1 << 16];
  char* next_line_ = nullptr;  // NextLine: where it put a terminator in buffer_
  char saved_ = 0;             // and what was there
  bool line_mode_ = false;     // ReadLines, not ReadByte, feeds serd
  size_t pos_ = 0, end_ = 0;
  uint64_t line_ = 0, column_ = 0;
  uint64_t last_error_line_ = 0;  // serd's last error (skip_errors)
  bool at_line_start_ = true;
  bool at_end_ = false;  // the source said it has no more bytes
  static constexpr int kMaxBreaksAfterEnd = 1000;
  int breaks_after_end_ = 0;
  // Errors serd reported without reading a byte in between.
  static constexpr int kMaxErrorsInPlace = 1000;
  uint64_t bytes_read_ = 0, bytes_at_error_ = UINT64_MAX;
  int errors_in_place_ = 0;
  bool stopped_ = false;   // StopReading was called
  bool nul_seen_ = false;  // the file ended at a NUL byte (ReadByte, StopAtNul)
};

}  // namespace

Status ReadRdf(FileSource* source, const RdfReadOptions& options, const RdfSink& sink,
               LoadReport* report) {
  auto read = std::make_unique<SerdRead>(source, options, sink, report);
  return read->Run();
}

}  // namespace quipu::import
