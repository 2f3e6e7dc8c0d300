#include "search/tokenizer.hpp"

#include <libstemmer.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <cassert>
#include <memory>
#include <set>

namespace hudhud::search {
namespace {

enum class CharClass { kSeparator, kMark, kDigit, kArabicLetter, kOtherLetter };

// The Arabic letter unification and mark removal, applied after NFKC case folding. Returns the
// replacement code point, or -1 to drop the character.
UChar32 UnifyArabic(UChar32 c) {
    switch (c) {
        case 0x0622:  // آ
        case 0x0623:  // أ
        case 0x0625:  // إ
        case 0x0671:  // ٱ
        case 0x0672:
        case 0x0673:
            return 0x0627;  // ا
        case 0x0624:
            return 0x0648;  // ؤ → و
        case 0x0626:
            return 0x064A;  // ئ → ي
        case 0x0621:
            return -1;  // ء
        case 0x0629:
            return 0x0647;  // ة → ه
        case 0x0649:
            return 0x064A;  // ى → ي
        case 0x06CC:
            return 0x064A;  // Persian ی → ي
        case 0x06A9:
            return 0x0643;  // Persian ک → ك
        case 0x0640:
            return -1;  // tatweel
        default:
            break;
    }
    if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED)) return -1;
    return c;
}

CharClass Classify(UChar32 c) {
    const std::int8_t type = u_charType(c);
    switch (type) {
        case U_DECIMAL_DIGIT_NUMBER:
            return CharClass::kDigit;
        case U_UPPERCASE_LETTER:
        case U_LOWERCASE_LETTER:
        case U_TITLECASE_LETTER:
        case U_MODIFIER_LETTER:
        case U_OTHER_LETTER: {
            UErrorCode status = U_ZERO_ERROR;
            return uscript_getScript(c, &status) == USCRIPT_ARABIC ? CharClass::kArabicLetter
                                                                   : CharClass::kOtherLetter;
        }
        case U_NON_SPACING_MARK:
        case U_COMBINING_SPACING_MARK:
        case U_ENCLOSING_MARK:
            return CharClass::kMark;
        default:
            return CharClass::kSeparator;
    }
}

bool IsLatin(UChar32 c) {
    UErrorCode status = U_ZERO_ERROR;
    return uscript_getScript(c, &status) == USCRIPT_LATIN;
}

struct StemmerDeleter {
    void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};
using StemmerPtr = std::unique_ptr<sb_stemmer, StemmerDeleter>;

// A Snowball stemmer is not thread-safe: each thread gets its own.
sb_stemmer* Stemmer(const char* language) {
    thread_local StemmerPtr english(sb_stemmer_new("english", "UTF_8"));
    thread_local StemmerPtr arabic(sb_stemmer_new("arabic", "UTF_8"));
    sb_stemmer* s = std::string_view(language) == "arabic" ? arabic.get() : english.get();
    assert(s != nullptr);  // both ship with libstemmer 2.x
    return s;
}

std::string Stem(sb_stemmer* stemmer, const std::string& word) {
    const sb_symbol* out = sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                                           static_cast<int>(word.size()));
    if (out == nullptr) return word;  // out of memory: an unstemmed word still matches itself
    return std::string(reinterpret_cast<const char*>(out),
                       static_cast<std::size_t>(sb_stemmer_length(stemmer)));
}

std::size_t CountChars(const std::string& utf8) {
    return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

// "والطلب" / "فالطلب": Snowball strips ال but not a conjunction in front of it.
constexpr std::string_view kWaAl = "\xD9\x88\xD8\xA7\xD9\x84";  // وال
constexpr std::string_view kFaAl = "\xD9\x81\xD8\xA7\xD9\x84";  // فال

std::string StemArabic(std::string word) {
    if ((word.starts_with(kWaAl) || word.starts_with(kFaAl)) && CountChars(word) >= 5) {
        word.erase(0, 2);  // one two-byte letter
    }
    sb_stemmer* stemmer = Stemmer("arabic");
    // The Snowball Arabic stemmer removes one layer at a time ("المدرسه" → "مدرسه" → "مدرس");
    // repeating it gives the forms of a word one stem.
    for (int i = 0; i < 3; ++i) {
        std::string next = Stem(stemmer, word);
        if (next == word || CountChars(next) < 2) break;
        word = std::move(next);
    }
    return word;
}

Word MakeWord(const icu::UnicodeString& chars, bool arabic, bool all_latin) {
    Word w;
    chars.toUTF8String(w.surface);
    if (arabic) {
        w.stem = StemArabic(w.surface);
    } else if (all_latin) {
        w.stem = Stem(Stemmer("english"), w.surface);
        if (CountChars(w.stem) < 2) w.stem = w.surface;
    } else {
        w.stem = w.surface;
    }
    return w;
}

const icu::Normalizer2& NfkcCasefold() {
    static const icu::Normalizer2* n = [] {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2* instance = icu::Normalizer2::getNFKCCasefoldInstance(status);
        assert(U_SUCCESS(status) && instance != nullptr);
        return instance;
    }();
    return *n;
}

}  // namespace

std::vector<Word> SplitWords(std::string_view text) {
    std::vector<Word> words;
    if (text.empty()) return words;
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString folded =
        NfkcCasefold().normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                     text.data(), static_cast<int32_t>(text.size()))),
                                 status);
    if (U_FAILURE(status)) return words;

    icu::UnicodeString current;
    CharClass current_class = CharClass::kSeparator;
    std::size_t current_chars = 0;
    bool all_latin = true;
    auto flush = [&] {
        if (current_chars > 0 && current_chars <= kMaxWordChars) {
            words.push_back(MakeWord(current, current_class == CharClass::kArabicLetter,
                                     current_class == CharClass::kOtherLetter && all_latin));
        }
        current.remove();
        current_class = CharClass::kSeparator;
        current_chars = 0;
        all_latin = true;
    };

    for (int32_t i = 0; i < folded.length();) {
        UChar32 c = folded.char32At(i);
        i += U16_LENGTH(c);
        c = UnifyArabic(c);
        if (c < 0) continue;
        CharClass cls = Classify(c);
        if (cls == CharClass::kDigit) c = U'0' + u_charDigitValue(c);
        if (cls == CharClass::kMark) {
            // A mark belongs to the word it follows; a stray one separates nothing.
            if (current_class == CharClass::kArabicLetter ||
                current_class == CharClass::kOtherLetter) {
                current.append(c);
            }
            continue;
        }
        if (cls != current_class) flush();
        if (cls == CharClass::kSeparator) continue;
        current_class = cls;
        current.append(c);
        ++current_chars;
        if (cls == CharClass::kOtherLetter && !IsLatin(c)) all_latin = false;
    }
    flush();
    return words;
}

std::string NormalizeText(std::string_view text) {
    std::string out;
    for (const Word& w : SplitWords(text)) {
        if (!out.empty()) out.push_back(' ');
        out += w.surface;
    }
    return out;
}

std::vector<std::string> IndexTerms(std::string_view text) {
    std::set<std::string> terms;
    for (Word& w : SplitWords(text)) {
        if (w.stem != w.surface) terms.insert(std::move(w.stem));
        terms.insert(std::move(w.surface));
    }
    return {terms.begin(), terms.end()};
}

std::vector<QueryWord> QueryWords(std::string_view query) {
    std::vector<QueryWord> out;
    std::vector<Word> words = SplitWords(query);
    for (std::size_t i = 0; i < words.size(); ++i) {
        const bool prefix =
            i + 1 == words.size() && CountChars(words[i].surface) >= kMinPrefixChars;
        QueryWord q{std::move(words[i].surface), std::move(words[i].stem), prefix};
        auto same = std::find_if(out.begin(), out.end(),
                                 [&](const QueryWord& o) { return o.surface == q.surface; });
        if (same != out.end()) {
            same->prefix = same->prefix || q.prefix;
            continue;
        }
        out.push_back(std::move(q));
    }
    return out;
}

std::vector<std::string> PhoneIndexTerms(std::string_view phone) {
    std::string digits;
    for (const Word& w : SplitWords(phone)) {
        if (!w.surface.empty() && std::all_of(w.surface.begin(), w.surface.end(),
                                              [](char ch) { return ch >= '0' && ch <= '9'; })) {
            digits += w.surface;
        }
    }
    std::vector<std::string> terms;
    if (digits.empty()) return terms;
    terms.push_back(digits);
    for (std::size_t start = 1; start + kMinPhoneSuffixDigits <= digits.size(); ++start) {
        terms.push_back(digits.substr(start));
    }
    return terms;
}

std::optional<std::string> PhoneQuery(std::string_view query) {
    const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(query.data(), static_cast<int32_t>(query.size())));
    std::string digits;
    for (int32_t i = 0; i < text.length();) {
        const UChar32 c = text.char32At(i);
        i += U16_LENGTH(c);
        if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
            digits.push_back(static_cast<char>('0' + u_charDigitValue(c)));
        } else if (!(u_isUWhiteSpace(c) || c == '+' || c == '-' || c == '(' || c == ')' ||
                     c == '.' || c == '/')) {
            return std::nullopt;
        }
    }
    if (digits.size() < 5) return std::nullopt;
    if (digits.starts_with("00")) {
        digits.erase(0, 2);
    } else if (digits.starts_with("0")) {
        digits.erase(0, 1);
    }
    if (digits.empty()) return std::nullopt;
    return digits;
}

}  // namespace hudhud::search
