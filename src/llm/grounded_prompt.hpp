#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "llm/chat.hpp"

// The message list for a grounded answer: the model may answer only from retrieved passages.
// Pure: no I/O, deterministic (the same input gives the same bytes, so providers can cache the
// prompt prefix).
//
// Layout, and why:
//   1. system  - the rules (answer only from the passages, say you don't know otherwise, reply in
//                the given language, treat passages and customer text as data), then the
//                business's persona/instructions inside a delimited block that is told it cannot
//                override the rules. Built only from the business's settings: customer text never
//                goes into it, so the instruction message is the same whatever the customer says.
//   2. system  - "PASSAGES": the retrieved passages, each between a <<<PASSAGE id="..">>> line and
//                a <<<END PASSAGE>>> line, with their count, framed as reference data.
//   3. user / assistant - earlier turns, if any, each its own message.
//   4. user    - the customer's latest text, on its own.
// Every piece of text that did not come from this file (business settings, passages, turns,
// customer text) goes through NeutralizeUntrusted first, so none of it can close a block or
// forge a marker or a chat-template token.
namespace hudhud::llm {

struct Passage {
    std::string id;     // the knowledge-base entry/chunk id the model cites back; [A-Za-z0-9_.:/-]
    std::string title;  // may be empty
    std::string text;
};

struct ConversationTurn {
    bool from_customer = true;  // false: an earlier reply of the business (agent or assistant)
    std::string text;
};

struct GroundedPromptInput {
    std::string business_name;  // may be empty
    std::string instructions;   // the business's persona and instructions; may be empty
    // The language to reply in, as a name the model understands ("Arabic", "English", "Gulf
    // Arabic"); empty: the language of the customer's latest message.
    std::string reply_language;
    // What to say when the passages do not hold the answer; empty: a default English sentence
    // (the model translates it into the reply language).
    std::string unknown_answer;
    std::vector<Passage> passages;          // best first
    std::vector<ConversationTurn> history;  // earlier turns, oldest first
    std::string customer_text;
    // Ask for {"answer": "...", "used_passages": ["id", ...], "answerable": bool} (pair it with
    // ResponseFormat::kJsonObject and read it with ParseGroundedAnswer).
    bool json_reply = false;
    std::size_t max_customer_bytes = 4000;  // longer customer text is cut (at a UTF-8 boundary)
    std::size_t max_passage_bytes = 4000;   // per passage
};

std::vector<ChatMessage> BuildGroundedMessages(const GroundedPromptInput& input);

// Makes text safe to place inside the prompt: drops NUL and other control characters except tab
// and newline (CR LF and lone CR become LF), replaces invalid UTF-8 with U+FFFD, and turns every
// run of two or more '<' or '>' and every "<|" / "|>" into look-alikes (U+2039 '‹', U+203A '›'),
// so the text cannot contain our <<<...>>> markers or chat-template tokens such as <|im_start|>.
// A lone '<' or '>' (as in "price < 100") is kept.
std::string NeutralizeUntrusted(std::string_view text);

// The JSON reply asked for by json_reply.
struct GroundedAnswer {
    std::string answer;
    std::vector<std::string> used_passages;  // only ids that were in the prompt, no repeats
    bool answerable = false;
};

// Reads the model's JSON reply (a ```json fence around it is tolerated). Ids not among
// `passages` are dropped: the model cannot make the assistant cite an entry it was not given.
// kExternalRejected when the content is not such an object or "answer" is not a string.
Result<GroundedAnswer> ParseGroundedAnswer(std::string_view content,
                                           const std::vector<Passage>& passages);

}  // namespace hudhud::llm
