#include "grammar/keywords.h"

#include <algorithm>
#include <set>
#include <string>
#include <typeindex>
#include <unordered_set>
#include <vector>

#include "grammar/rules.h"

namespace quipu::grammar {
namespace {

// A walk over the grammar's rule types (each rule's subs_t), at run time so
// that cycles end: every rule is visited once. Only types are walked; no
// parser is instantiated here (that is parser.cc's).
struct Walk {
  std::unordered_set<std::type_index> seen;
  std::vector<std::type_index> skip;  // not entered
  std::set<std::string> words;
};

template <typename Rule>
void Visit(Walk* walk);

template <typename... Rules>
void VisitAll(pegtl::type_list<Rules...> /*subs*/, [[maybe_unused]] Walk* walk) {
  (Visit<Rules>(walk), ...);
}

// The words spelled by a keyword's Word: istring<C...>, or alternatives of them.
template <typename Rule>
void CollectWords(std::set<std::string>* out);

template <char... Cs>
void CollectSpelling(const pegtl::istring<Cs...>* /*rule*/, std::set<std::string>* out) {
  std::string word{Cs...};
  std::transform(word.begin(), word.end(), word.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  out->insert(word);
}

template <typename... Subs>
void CollectSubs(pegtl::type_list<Subs...> /*subs*/, [[maybe_unused]] std::set<std::string>* out) {
  (CollectWords<Subs>(out), ...);
}

// Chosen for every rule that is not an istring.
void CollectSpelling(const void* /*rule*/, std::set<std::string>* /*out*/) {}

template <typename Rule>
void CollectWords(std::set<std::string>* out) {
  const size_t before = out->size();
  CollectSpelling(static_cast<const Rule*>(nullptr), out);
  if (out->size() == before) CollectSubs(typename Rule::subs_t(), out);
}

// The Word of a keyword<Word> rule (or of a rule derived from one); void
// for any other rule.
template <typename Word>
Word* KeywordWord(const keyword<Word>* /*rule*/) {
  return nullptr;
}
inline void* KeywordWord(const void* /*rule*/) { return nullptr; }

template <typename Rule>
void Visit(Walk* walk) {
  if (std::find(walk->skip.begin(), walk->skip.end(), typeid(Rule)) != walk->skip.end() ||
      !walk->seen.insert(typeid(Rule)).second) {
    return;
  }
  using Word = std::remove_pointer_t<decltype(KeywordWord(static_cast<const Rule*>(nullptr)))>;
  if constexpr (!std::is_void_v<Word>) {
    CollectWords<Word>(&walk->words);
    return;
  }
  VisitAll(typename Rule::subs_t(), walk);
}

std::set<std::string> WordsOf(std::vector<std::type_index> skip, void (*start)(Walk*)) {
  Walk walk;
  walk.skip = std::move(skip);
  start(&walk);
  return walk.words;
}

LanguageWords Compute() {
  // load and backup read words of their own, which are names elsewhere.
  const std::set<std::string> outside =
      WordsOf({typeid(load_stmt), typeid(backup_stmt)}, &Visit<statement>);
  std::set<std::string> inside = WordsOf({}, &Visit<load_stmt>);
  inside.merge(WordsOf({}, &Visit<backup_stmt>));
  LanguageWords words;
  words.keywords.assign(outside.begin(), outside.end());
  for (const std::string& w : inside) {
    if (outside.count(w) == 0) words.load_words.push_back(w);
  }
  // `load` and `backup` themselves start a statement anywhere.
  std::set<std::string> starts = WordsOf({}, &Visit<kw_load>);
  starts.merge(WordsOf({}, &Visit<kw_backup>));
  for (const std::string& w : starts) {
    words.keywords.push_back(w);
    words.load_words.erase(std::remove(words.load_words.begin(), words.load_words.end(), w),
                           words.load_words.end());
  }
  std::sort(words.keywords.begin(), words.keywords.end());
  return words;
}

}  // namespace

const LanguageWords& GrammarWords() {
  static const LanguageWords words = Compute();
  return words;
}

}  // namespace quipu::grammar
