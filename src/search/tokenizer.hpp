#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hudhud::search {

// Turns text into the words a search index stores and a query looks up. Documents and queries go
// through the same functions, so a word matches however it was written:
//   - Unicode NFKC with case folding (ICU): "ORDER" = "order", Arabic presentation forms and
//     ligatures become plain letters, default-ignorable characters (ZWNJ, ...) vanish;
//   - Arabic letters unified: أ إ آ ٱ → ا, ؤ → و, ئ → ي, ة → ه, ى → ي, Persian ی → ي and
//     ک → ك; the standalone hamza ء is dropped ("شيء" = "شي", "مساء" = "مسا", as people type);
//     harakat and other marks (U+064B–U+065F, U+0670, Quranic marks U+06D6–U+06ED) and tatweel
//     (U+0640) removed;
//   - every decimal digit (Arabic-Indic ٠-٩, Persian ۰-۹, ...) becomes ASCII;
//   - words are runs of letters or of digits: anything else separates them, and so does a change
//     between Arabic-script and other letters or between letters and digits ("order123" is
//     "order" "123");
//   - Snowball stemming: English for Latin-script words (orders, ordered, ordering → order) and
//     Arabic for Arabic-script words (applied until it changes nothing more, after a leading
//     و/ف conjunction before ال is removed), so "المدرسة" and "مدرسه" share a stem.
// Words longer than kMaxWordChars characters (hashes, base64, ...) are left out.
// All functions are pure and thread-safe; invalid UTF-8 is read as U+FFFD (a separator).

inline constexpr std::size_t kMaxWordChars = 64;
// A query's last word is matched as a prefix (type-ahead) from this many characters on.
inline constexpr std::size_t kMinPrefixChars = 2;

struct Word {
    std::string surface;  // the normalized word (UTF-8)
    std::string stem;     // its stem; equal to surface when stemming changes nothing
};

// The words of `text`, in order, duplicates kept.
std::vector<Word> SplitWords(std::string_view text);

// The normalized text: its words' surfaces joined by single spaces.
std::string NormalizeText(std::string_view text);

// What to index for a document: every word's surface and stem, sorted and distinct. The surface
// is kept beside the stem because the stemmer is not consistent for every pair of forms (a
// query word is looked up by both, see QueryWord) and because prefix queries match surfaces.
std::vector<std::string> IndexTerms(std::string_view text);

// One word of a query. A document matches it when it holds `stem` or `surface`, or, when
// `prefix` is set, any term that starts with `surface`.
struct QueryWord {
    std::string surface;
    std::string stem;
    bool prefix = false;
};

// The words of a query, in order, distinct; every one is required (AND). The last word is a
// prefix when it has at least kMinPrefixChars characters. Empty when the query has no words.
std::vector<QueryWord> QueryWords(std::string_view query);

// Index terms for a phone number (E.164 or any digits): its ASCII digits and every suffix of at
// least kMinPhoneSuffixDigits digits, so "+971 50 123 4567" is found by "971501234567",
// "0501234567" (see PhoneQuery) or "1234567".
inline constexpr std::size_t kMinPhoneSuffixDigits = 7;
std::vector<std::string> PhoneIndexTerms(std::string_view phone);

// When the whole query looks like (part of) a phone number — only digits (any script), spaces and
// + - ( ) . / characters, with at least 5 digits — the digits to prefix-match against
// PhoneIndexTerms, with a leading international "00" or trunk "0" removed. Otherwise nullopt.
std::optional<std::string> PhoneQuery(std::string_view query);

}  // namespace hudhud::search
