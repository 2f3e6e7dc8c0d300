// Fills one workspace of an existing Hudhud database with a synthetic shared inbox for the
// issue-4 benchmarks: contacts with identities, conversations spread over the workspace's
// inboxes and statuses, and messages (Arabic, some with spelling variants, and English), plus
// the search index rows of messages and contacts.
//
//   hudhud_gen_inbox_data --database sqlite:PATH | postgres://...
//                         [--workspace ID] [--conversations 1000000] [--messages 10000000]
//                         [--contacts N (default 3/4 of conversations)] [--days 365]
//                         [--seed 1] [--threads 1] [--chunk 100000]
//
// The database must already hold the schema, the workspace, its members and its inboxes: run
// `hudhud serve` on it once and use the normal first-run set-up and POST /inboxes
// (bench/inbox_bench.sh does), then stop the server while this runs. New rows get ids after the
// existing ones, so it may run again to add more.
//
// The index rows are exactly what the application writes: each document's terms come from
// storage::SearchRepository::IndexMessage / IndexContact themselves, run against a session that
// captures the statement instead of executing it, and are then bulk-loaded (SQLite: prepared
// INSERTs in large transactions; PostgreSQL: COPY). Secondary indexes of the loaded tables are
// dropped first and re-created from their stored definitions at the end, which is much faster
// than maintaining them row by row; PostgreSQL skips foreign-key triggers while loading when the
// role may (session_replication_role) and is ANALYZEd at the end.
//
// Time, ids and content follow real traffic: conversation ids grow with their creation time,
// message ids with their send time (messages of a conversation are interleaved with everyone
// else's), activity grows towards now, recent conversations are mostly open or pending and old
// ones resolved, and message counts per conversation are heavy-tailed.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "storage/repositories/search_repository.hpp"

namespace {

using hudhud::Status;
using hudhud::storage::Dialect;
using hudhud::storage::Params;
using hudhud::storage::Rows;
using hudhud::storage::Value;
using Row = std::vector<Value>;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "gen_inbox_data: %s\n", what.c_str());
    std::exit(1);
}

double Seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

// A Session that runs nothing: it records the statements SearchRepository would execute, so the
// generator loads exactly the index rows the application writes.
class CaptureSession final : public hudhud::storage::Session {
  public:
    explicit CaptureSession(Dialect d) : dialect_(d) {}
    Dialect dialect() const override { return dialect_; }
    hudhud::Result<Rows> Query(std::string_view sql, const Params&) override {
        return hudhud::Error::Internal("unexpected query from SearchRepository: " +
                                       std::string(sql));
    }
    hudhud::Result<std::int64_t> Exec(std::string_view sql, const Params& params) override {
        sql_ = sql;
        params_ = params;
        return 1;
    }
    // The terms document of the last captured upsert into `index`; empty when the repository
    // indexed nothing (a wordless text) or removed the document.
    std::string TakeTerms(std::string_view index) {
        std::string sql = std::move(sql_);
        sql_.clear();
        if (sql.empty() || sql.rfind("DELETE", 0) == 0) return "";
        if (sql.find(index) == std::string::npos || sql.rfind("INSERT", 0) != 0 ||
            params_.size() != 2 || !std::holds_alternative<std::string>(params_[1])) {
            Die("SearchRepository writes something this generator does not know: " + sql);
        }
        return std::get<std::string>(params_[1]);
    }

  private:
    Dialect dialect_;
    std::string sql_;
    Params params_;
};

// Where rows go: a backend's bulk path. Not thread-safe; used by the loading thread only.
class Loader {
  public:
    virtual ~Loader() = default;
    virtual Dialect dialect() const = 0;
    virtual Rows Query(const std::string& sql) = 0;
    virtual void Exec(const std::string& sql) = 0;
    virtual void Load(const std::string& table, const std::vector<std::string>& columns,
                      const std::vector<Row>& rows) = 0;
    // (name, definition) of the secondary indexes of `tables` that can be dropped and re-created.
    virtual std::vector<std::pair<std::string, std::string>> SecondaryIndexes(
        const std::vector<std::string>& tables) = 0;
    virtual void Finish() = 0;
};

std::string InList(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "'" : ",'") + n + "'";
    return out;
}

class SqliteLoader final : public Loader {
  public:
    explicit SqliteLoader(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            Die("cannot open " + path + ": " + sqlite3_errmsg(db_));
        }
        sqlite3_busy_timeout(db_, 10000);
        Exec("PRAGMA synchronous = OFF");
        Exec("PRAGMA cache_size = -1048576");
        Exec("PRAGMA temp_store = MEMORY");
    }
    ~SqliteLoader() override {
        for (auto& [k, st] : statements_) sqlite3_finalize(st);
        sqlite3_close(db_);
    }
    Dialect dialect() const override { return Dialect::kSqlite; }
    Rows Query(const std::string& sql) override {
        sqlite3_stmt* st = Prepare(sql);
        Rows out;
        while (true) {
            int rc = sqlite3_step(st);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) Die(sql + ": " + sqlite3_errmsg(db_));
            Row row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                switch (sqlite3_column_type(st, i)) {
                    case SQLITE_NULL:
                        row.emplace_back(nullptr);
                        break;
                    case SQLITE_INTEGER:
                        row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(st, i)));
                        break;
                    default:
                        row.emplace_back(
                            std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                                        static_cast<std::size_t>(sqlite3_column_bytes(st, i))));
                }
            }
            out.rows.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        return out;
    }
    void Exec(const std::string& sql) override {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string e = err ? err : "?";
            sqlite3_free(err);
            Die(sql + ": " + e);
        }
    }
    void Load(const std::string& table, const std::vector<std::string>& columns,
              const std::vector<Row>& rows) override {
        std::string key = table;
        for (const auto& c : columns) key += "," + c;
        sqlite3_stmt*& st = statements_[key];
        if (st == nullptr) {
            std::string sql = "INSERT INTO " + table + " (";
            std::string marks;
            for (std::size_t i = 0; i < columns.size(); ++i) {
                sql += (i ? ", " : "") + columns[i];
                marks += i ? ", ?" : "?";
            }
            st = Prepare(sql + ") VALUES (" + marks + ")");
        }
        Exec("BEGIN");
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                const int n = static_cast<int>(i + 1);
                if (auto* v = std::get_if<std::int64_t>(&row[i])) {
                    sqlite3_bind_int64(st, n, *v);
                } else if (auto* s = std::get_if<std::string>(&row[i])) {
                    sqlite3_bind_text(st, n, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
                } else {
                    sqlite3_bind_null(st, n);
                }
            }
            if (sqlite3_step(st) != SQLITE_DONE) Die(table + ": " + sqlite3_errmsg(db_));
            sqlite3_reset(st);
        }
        Exec("COMMIT");
    }
    std::vector<std::pair<std::string, std::string>> SecondaryIndexes(
        const std::vector<std::string>& tables) override {
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& r : Query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS "
                             "NOT NULL AND tbl_name IN (" +
                             InList(tables) + ")")
                           .rows) {
            out.emplace_back(std::get<std::string>(r[0]), std::get<std::string>(r[1]));
        }
        return out;
    }
    void Finish() override { Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

  private:
    sqlite3_stmt* Prepare(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            Die(sql + ": " + sqlite3_errmsg(db_));
        }
        return st;
    }
    sqlite3* db_ = nullptr;
    std::map<std::string, sqlite3_stmt*> statements_;
};

class PostgresLoader final : public Loader {
  public:
    explicit PostgresLoader(const std::string& url) {
        conn_ = PQconnectdb(url.c_str());
        if (PQstatus(conn_) != CONNECTION_OK)
            Die(std::string("postgres: ") + PQerrorMessage(conn_));
        Exec("SET synchronous_commit = off");
        Exec("SET maintenance_work_mem = '1GB'");
        PGresult* r = PQexec(conn_, "SET session_replication_role = replica");
        skip_fk_ = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!skip_fk_) std::fprintf(stderr, "gen_inbox_data: foreign keys checked while loading\n");
    }
    ~PostgresLoader() override { PQfinish(conn_); }
    Dialect dialect() const override { return Dialect::kPostgres; }
    Rows Query(const std::string& sql) override {
        PGresult* r = PQexec(conn_, sql.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK) Die(sql + ": " + PQerrorMessage(conn_));
        Rows out;
        for (int i = 0; i < PQntuples(r); ++i) {
            Row row;
            for (int j = 0; j < PQnfields(r); ++j) {
                if (PQgetisnull(r, i, j)) {
                    row.emplace_back(nullptr);
                } else if (PQftype(r, j) == 20 || PQftype(r, j) == 23) {  // int8, int4
                    row.emplace_back(static_cast<std::int64_t>(std::stoll(PQgetvalue(r, i, j))));
                } else {
                    row.emplace_back(std::string(PQgetvalue(r, i, j)));
                }
            }
            out.rows.push_back(std::move(row));
        }
        PQclear(r);
        return out;
    }
    void Exec(const std::string& sql) override {
        PGresult* r = PQexec(conn_, sql.c_str());
        const auto st = PQresultStatus(r);
        PQclear(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            Die(sql + ": " + PQerrorMessage(conn_));
        }
    }
    void Load(const std::string& table, const std::vector<std::string>& columns,
              const std::vector<Row>& rows) override {
        std::string sql = "COPY " + table + " (";
        for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
        sql += ") FROM STDIN";
        PGresult* r = PQexec(conn_, sql.c_str());
        if (PQresultStatus(r) != PGRES_COPY_IN) Die(sql + ": " + PQerrorMessage(conn_));
        PQclear(r);
        std::string buf;
        buf.reserve(2 << 20);
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i) buf.push_back('\t');
                if (auto* v = std::get_if<std::int64_t>(&row[i])) {
                    buf += std::to_string(*v);
                } else if (auto* s = std::get_if<std::string>(&row[i])) {
                    for (char c : *s) {
                        switch (c) {
                            case '\\':
                                buf += "\\\\";
                                break;
                            case '\t':
                                buf += "\\t";
                                break;
                            case '\n':
                                buf += "\\n";
                                break;
                            case '\r':
                                buf += "\\r";
                                break;
                            default:
                                buf.push_back(c);
                        }
                    }
                } else {
                    buf += "\\N";
                }
            }
            buf.push_back('\n');
            if (buf.size() > (1 << 20)) Put(buf);
        }
        Put(buf);
        if (PQputCopyEnd(conn_, nullptr) != 1) Die(PQerrorMessage(conn_));
        r = PQgetResult(conn_);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(table + ": " + PQerrorMessage(conn_));
        PQclear(r);
        while ((r = PQgetResult(conn_)) != nullptr) PQclear(r);
    }
    std::vector<std::pair<std::string, std::string>> SecondaryIndexes(
        const std::vector<std::string>& tables) override {
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& r :
             Query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                   "current_schema() AND tablename IN (" +
                   InList(tables) + ") AND indexname NOT IN (SELECT conname FROM pg_constraint)")
                 .rows) {
            out.emplace_back(std::get<std::string>(r[0]), std::get<std::string>(r[1]));
        }
        return out;
    }
    void Finish() override {
        Exec("SET session_replication_role = DEFAULT");
        for (const char* t : {"contacts", "contact_identities", "conversations", "messages"}) {
            Exec(std::string("SELECT setval(pg_get_serial_sequence('") + t +
                 "', 'id'), "
                 "(SELECT max(id) FROM " +
                 t + "))");
        }
        Exec("ANALYZE");
    }
    bool skip_fk() const { return skip_fk_; }

  private:
    void Put(std::string& buf) {
        if (buf.empty()) return;
        if (PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1) {
            Die(PQerrorMessage(conn_));
        }
        buf.clear();
    }
    PGconn* conn_ = nullptr;
    bool skip_fk_ = false;
};

// ---- Content ---------------------------------------------------------------------------------

const std::vector<std::string> kArabicFirst = {
    "محمد", "أحمد", "فاطمة",  "عائشة", "عبدالله", "خالد",    "سارة", "مريم", "يوسف", "نورة",
    "علي",  "حسن",  "ليلى",   "هدى",   "عمر",     "إبراهيم", "زينب", "سلمى", "طارق", "رنا",
    "منى",  "سعيد", "ياسمين", "حمد",   "لطيفة",   "ماجد",    "دانة", "فيصل", "ريم",  "آمنة"};
const std::vector<std::string> kArabicLast = {
    "الهاشمي", "القحطاني", "العتيبي", "المنصوري", "الشامسي", "الزعابي", "الكعبي",  "الحربي",
    "السويدي", "المري",    "النعيمي", "الدوسري",  "الشمري",  "البلوشي", "الفلاسي", "الظاهري"};
const std::vector<std::string> kLatinFirst = {
    "John", "Sarah", "Michael", "Emma",  "David",  "Olivia", "James", "Sophia", "Daniel", "Mia",
    "Omar", "Aisha", "Ravi",    "Priya", "Carlos", "Maria",  "Chen",  "Anna",   "Liam",   "Noah"};
const std::vector<std::string> kLatinLast = {
    "Smith",  "Johnson", "Brown", "Khan",   "Patel",  "Garcia", "Williams", "Haddad",
    "Nasser", "Miller",  "Davis", "Wilson", "Martin", "Lopez",  "Sharma",   "Taylor"};

const std::vector<std::string> kArabicProducts = {"الهاتف",
                                                  "السماعات",
                                                  "الساعة الذكية",
                                                  "الحقيبة",
                                                  "العطر",
                                                  "الفستان",
                                                  "الحذاء الرياضي",
                                                  "الشاحن",
                                                  "الكمبيوتر المحمول",
                                                  "النظارة الشمسية",
                                                  "طقم الأواني",
                                                  "المكيف",
                                                  "الثلاجة",
                                                  "الكاميرا",
                                                  "الجهاز اللوحي",
                                                  "القميص",
                                                  "العباية",
                                                  "الساعة",
                                                  "المكنسة الكهربائية",
                                                  "الخلاط"};
const std::vector<std::string> kEnglishProducts = {
    "phone",        "headphones",      "smart watch", "handbag",        "perfume",
    "dress",        "running shoes",   "charger",     "laptop",         "sunglasses",
    "cookware set", "air conditioner", "fridge",      "camera",         "tablet",
    "shirt",        "abaya",           "watch",       "vacuum cleaner", "blender"};
const std::vector<std::string> kArabicCities = {"دبي",    "أبوظبي",  "الرياض", "جدة",     "الدوحة",
                                                "الكويت", "المنامة", "مسقط",   "الشارقة", "الدمام"};
const std::vector<std::string> kEnglishCities = {"Dubai",   "Abu Dhabi", "Riyadh", "Jeddah",
                                                 "Doha",    "Kuwait",    "Manama", "Muscat",
                                                 "Sharjah", "Dammam"};

// {o} order number, {p} product, {c} city, {n} a name, {d} a day count, {s} a SKU.
const std::vector<std::string> kArabicCustomer = {
    "مرحبا، أريد أن أسأل عن حالة طلبي رقم {o}",
    "السلام عليكم، متى سيصل طلبي؟",
    "لم يصلني {p} حتى الآن وقد مرت {d} أيام",
    "هل يمكنني إرجاع {p}؟ المقاس غير مناسب",
    "أريد استرجاع المبلغ للطلب {o}",
    "الشحنة متأخرة جدا، أنا في {c}",
    "هل يتوفر {p} باللون الأسود؟",
    "كم سعر {p}؟",
    "هل التوصيل مجاني إلى {c}؟",
    "وصلني {p} مكسور، أرجو المساعدة",
    "شكرا جزيلا على المساعدة",
    "أريد تغيير عنوان التوصيل",
    "هل يمكن الدفع عند الاستلام؟",
    "تم خصم المبلغ مرتين من بطاقتي",
    "ما هي مدة الضمان على {p}؟",
    "أرجو إلغاء الطلب رقم {o}",
    "الكود {s} لا يعمل",
    "متى يبدأ التخفيض؟",
    "لدي مشكلة في تسجيل الدخول إلى حسابي",
    "هل لديكم فرع في {c}؟",
    "أحتاج فاتورة للطلب {o} من فضلك",
    "المندوب لم يتصل بي",
    "تمام، شكرا لك",
    "نعم",
    "صباح الخير، عندي استفسار عن {p}",
    "هل المنتج أصلي؟",
    "أريد استبدال {p} بمقاس أكبر",
    "رقم الطلب {o}",
};
const std::vector<std::string> kArabicAgent = {
    "أهلا بك {n}، كيف يمكنني مساعدتك؟",
    "شكرا لتواصلك معنا، سأتحقق من طلبك رقم {o} الآن",
    "طلبك في الطريق وسيصل خلال {d} أيام إلى {c}",
    "نعتذر عن التأخير، تم تصعيد الشحنة إلى فريق التوصيل",
    "تم إلغاء الطلب وسيتم استرجاع المبلغ خلال {d} أيام عمل",
    "يمكنك إرجاع {p} خلال ١٤ يوما من الاستلام",
    "نعم، {p} متوفر حاليا",
    "تم تحديث عنوان التوصيل بنجاح",
    "هل هناك شيء آخر يمكنني مساعدتك به؟",
    "أرسلنا لك رابط تتبع الشحنة",
    "الدفع عند الاستلام متاح في {c}",
    "تم إرسال الفاتورة إلى بريدك الإلكتروني",
};
const std::vector<std::string> kEnglishCustomer = {
    "Hi, I want to check the status of my order #{o}",
    "Hello, when will my order arrive?",
    "I still haven't received my {p}, it's been {d} days",
    "Can I return the {p}? It doesn't fit",
    "I would like a refund for order {o}",
    "The delivery is very late, I'm in {c}",
    "Do you have the {p} in black?",
    "How much is the {p}?",
    "Is delivery free to {c}?",
    "My {p} arrived broken, please help",
    "Thanks a lot for your help!",
    "I need to change my delivery address",
    "Can I pay cash on delivery?",
    "I was charged twice on my card",
    "What is the warranty on the {p}?",
    "Please cancel order number {o}",
    "The promo code {s} is not working",
    "When does the sale start?",
    "I can't log in to my account",
    "Do you have a store in {c}?",
    "Can you send me the invoice for order {o}?",
    "The courier never called me",
    "ok thanks",
    "yes",
    "Good morning, I have a question about the {p}",
    "Is this product original?",
    "I want to exchange the {p} for a bigger size",
    "order {o}",
};
const std::vector<std::string> kEnglishAgent = {
    "Hi {n}, how can I help you today?",
    "Thanks for reaching out, let me check order {o} for you",
    "Your order is on its way and will arrive in {d} days in {c}",
    "Sorry for the delay, I've escalated the shipment to our delivery team",
    "Your order has been cancelled and the refund will take {d} business days",
    "You can return the {p} within 14 days of delivery",
    "Yes, the {p} is in stock",
    "Your delivery address has been updated",
    "Is there anything else I can help you with?",
    "We've sent you a tracking link for the shipment",
    "Cash on delivery is available in {c}",
    "The invoice has been sent to your email",
};
const std::vector<std::string> kNotes = {
    "Customer is VIP, prioritise", "عميل مهم، يرجى المتابعة",      "Escalated to logistics",
    "Refund approved by finance",  "تمت مراجعة الطلب مع المستودع", "Follow up tomorrow"};
const std::vector<std::string> kBot = {"Thanks for your message! An agent will reply shortly.",
                                       "شكرا لرسالتك! سيقوم أحد موظفينا بالرد عليك قريبا."};

// A small fast generator; every message and contact gets its own, seeded from its id, so the
// output does not depend on how work is split between threads.
struct Rng {
    std::uint64_t s;
    explicit Rng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {
        Next();
    }
    std::uint64_t Next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
    std::size_t Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }
    bool Chance(double p) { return Unit() < p; }
    template <typename T>
    const T& Pick(const std::vector<T>& v) {
        return v[Below(v.size())];
    }
};

std::string ArabicDigits(const std::string& ascii) {
    static const char* kDigits[] = {"٠", "١", "٢", "٣", "٤", "٥", "٦", "٧", "٨", "٩"};
    std::string out;
    for (char c : ascii) out += (c >= '0' && c <= '9') ? kDigits[c - '0'] : std::string(1, c);
    return out;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
    for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
        s.replace(pos, from.size(), to);
    }
}

// How people actually type Arabic: ه for ة, bare alef for hamza forms, ي for ى, sometimes
// harakat or tatweel. The search must find these by the standard spelling and vice versa.
void ArabicVariant(std::string& s, Rng& rng) {
    if (rng.Chance(0.5)) ReplaceAll(s, "ة ", "ه ");
    if (rng.Chance(0.5)) {
        ReplaceAll(s, "أ", "ا");
        ReplaceAll(s, "إ", "ا");
    }
    if (rng.Chance(0.3)) ReplaceAll(s, "ى", "ي");
    if (rng.Chance(0.15)) ReplaceAll(s, "شكرا", "شكــرًا");
    if (rng.Chance(0.1)) ReplaceAll(s, "مرحبا", "مَرْحَبًا");
}

std::string Fill(const std::string& tmpl, bool arabic, std::uint64_t order, Rng& rng,
                 const std::string& name) {
    std::string out;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '{' || i + 2 >= tmpl.size() || tmpl[i + 2] != '}') {
            out.push_back(tmpl[i]);
            continue;
        }
        const char k = tmpl[i + 1];
        i += 2;
        switch (k) {
            case 'o': {
                std::string o = std::to_string(order);
                out += arabic && rng.Chance(0.3) ? ArabicDigits(o) : o;
                break;
            }
            case 'p':
                out += rng.Pick(arabic ? kArabicProducts : kEnglishProducts);
                break;
            case 'c':
                out += rng.Pick(arabic ? kArabicCities : kEnglishCities);
                break;
            case 'n':
                out += name;
                break;
            case 'd':
                out += std::to_string(2 + rng.Below(9));
                break;
            case 's':
                out += "SAVE" + std::to_string(10 + rng.Below(40));
                break;
        }
    }
    return out;
}

// ---- The model -------------------------------------------------------------------------------

struct Inbox {
    std::int64_t id;
    std::string kind;
};

struct Contact {
    std::int64_t id = 0;
    std::int64_t created = 0;
    std::int64_t last = 0;
    bool arabic = false;
    std::vector<std::pair<std::uint32_t, std::int64_t>> identities;  // (inbox index, id)
};

struct Conversation {
    std::int64_t created = 0;
    std::int64_t last = 0;
    std::int64_t last_incoming = 0;
    std::uint32_t contact = 0;
    std::uint32_t inbox = 0;
    std::int64_t identity = 0;
    std::uint32_t messages = 0;
    std::uint64_t order = 0;  // the order number the conversation is about
};

struct MessageSlot {
    std::int64_t at;
    std::uint32_t conversation;
    std::uint32_t index;  // within its conversation
};

enum class Kind { kIncoming, kAgent, kBot, kNote };

// The k-th message of conversation c: the first is the customer's, then mostly alternating.
Kind KindOf(std::uint64_t seed, std::uint32_t c, std::uint32_t k) {
    if (k == 0) return Kind::kIncoming;
    Rng rng(seed ^ (static_cast<std::uint64_t>(c) << 32) ^ k ^ 0xD1B54A32D192ED03ULL);
    const double u = rng.Unit();
    if (k == 1 && u < 0.3) return Kind::kBot;
    if (u < 0.52) return Kind::kIncoming;
    if (u < 0.96) return Kind::kAgent;
    return Kind::kNote;
}

struct Options {
    std::string database;
    std::int64_t workspace = 0;
    std::int64_t conversations = 1'000'000;
    std::int64_t messages = 10'000'000;
    std::int64_t contacts = 0;
    int days = 365;
    std::uint64_t seed = 1;
    int threads = 1;
    std::size_t chunk = 100'000;
};

Options ParseArgs(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h" || i + 1 >= argc) {
            std::printf(
                "usage: %s --database URL [--workspace ID] [--conversations N] "
                "[--messages N] [--contacts N] [--days N] [--seed N] [--threads N] "
                "[--chunk N]\n",
                argv[0]);
            std::exit(a == "--help" || a == "-h" ? 0 : 2);
        }
        const std::string v = argv[++i];
        if (a == "--database")
            o.database = v;
        else if (a == "--workspace")
            o.workspace = std::stoll(v);
        else if (a == "--conversations")
            o.conversations = std::stoll(v);
        else if (a == "--messages")
            o.messages = std::stoll(v);
        else if (a == "--contacts")
            o.contacts = std::stoll(v);
        else if (a == "--days")
            o.days = std::stoi(v);
        else if (a == "--seed")
            o.seed = std::stoull(v);
        else if (a == "--threads")
            o.threads = std::max(1, std::stoi(v));
        else if (a == "--chunk")
            o.chunk = std::max<std::size_t>(1000, std::stoull(v));
        else
            Die("unknown option " + a);
    }
    if (o.database.empty()) Die("--database is required");
    if (o.conversations < 1) Die("--conversations must be at least 1");
    if (o.messages < o.conversations) Die("--messages must be at least --conversations");
    if (o.contacts <= 0) o.contacts = std::max<std::int64_t>(1, o.conversations * 3 / 4);
    o.contacts = std::min(o.contacts, o.conversations);
    return o;
}

std::int64_t MaxId(Loader& db, const char* table) {
    auto r = db.Query(std::string("SELECT COALESCE(MAX(id), 0) FROM ") + table);
    return hudhud::storage::AsInt(r.rows.at(0).at(0));
}

}  // namespace

int main(int argc, char** argv) {
    const Options opt = ParseArgs(argc, argv);
    const auto t_start = Clock::now();
    std::unique_ptr<Loader> db;
    if (opt.database.rfind("sqlite:", 0) == 0) {
        db = std::make_unique<SqliteLoader>(opt.database.substr(7));
    } else if (opt.database.rfind("postgres://", 0) == 0 ||
               opt.database.rfind("postgresql://", 0) == 0) {
        db = std::make_unique<PostgresLoader>(opt.database);
    } else {
        Die("--database must be sqlite:PATH or postgres://...");
    }
    const Dialect dialect = db->dialect();
    using hudhud::storage::AsInt;
    using hudhud::storage::AsText;

    // What the set-up created.
    std::int64_t ws = opt.workspace;
    if (ws == 0) {
        auto r = db->Query("SELECT MIN(id) FROM workspaces");
        if (r.empty() || hudhud::storage::IsNull(r.rows[0][0])) {
            Die("no workspace: run `hudhud serve` on the database and POST /api/v1/setup first");
        }
        ws = AsInt(r.rows[0][0]);
    }
    std::vector<Inbox> inboxes;
    for (auto& r : db->Query("SELECT id, channel_kind FROM inboxes WHERE workspace_id = " +
                             std::to_string(ws) + " AND status = 'active' ORDER BY id")
                       .rows) {
        inboxes.push_back({AsInt(r[0]), AsText(r[1])});
    }
    if (inboxes.empty())
        Die("workspace " + std::to_string(ws) + " has no inbox: create some first");
    std::vector<std::int64_t> agents;
    for (auto& r : db->Query("SELECT user_id FROM memberships WHERE workspace_id = " +
                             std::to_string(ws) + " ORDER BY user_id")
                       .rows) {
        agents.push_back(AsInt(r[0]));
    }
    if (agents.empty()) Die("workspace has no members");
    const std::int64_t contact_base = MaxId(*db, "contacts");
    const std::int64_t identity_base = MaxId(*db, "contact_identities");
    const std::int64_t conversation_base = MaxId(*db, "conversations");
    const std::int64_t message_base = MaxId(*db, "messages");

    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const std::int64_t span_us = static_cast<std::int64_t>(opt.days) * 86'400'000'000LL;
    const std::int64_t start_us = now_us - span_us;
    Rng rng(opt.seed);

    // 1. Conversations by creation time, growing towards now (density rises linearly).
    const auto M = static_cast<std::size_t>(opt.conversations);
    std::vector<Conversation> convs(M);
    for (auto& c : convs) {
        c.created =
            start_us + static_cast<std::int64_t>(std::sqrt(rng.Unit()) *
                                                 static_cast<double>(span_us - 3'600'000'000LL));
    }
    std::sort(convs.begin(), convs.end(),
              [](const Conversation& a, const Conversation& b) { return a.created < b.created; });

    // 2. Contacts: a conversation starts a new contact or returns to an earlier one, so that
    // exactly --contacts exist at the end; returning customers mostly write to the same inbox.
    const auto N = static_cast<std::size_t>(opt.contacts);
    std::vector<Contact> contacts;
    contacts.reserve(N);
    std::int64_t next_identity = identity_base;
    std::vector<double> inbox_weight(inboxes.size());
    for (std::size_t i = 0; i < inboxes.size(); ++i) inbox_weight[i] = 1.0 / (1.0 + 0.5 * i);
    std::discrete_distribution<std::uint32_t> pick_inbox(inbox_weight.begin(), inbox_weight.end());
    std::mt19937_64 mt(opt.seed);
    for (std::size_t i = 0; i < M; ++i) {
        auto& c = convs[i];
        const bool fresh = contacts.empty() || rng.Unit() * static_cast<double>(M - i) <
                                                   static_cast<double>(N - contacts.size());
        std::uint32_t inbox;
        if (fresh && contacts.size() < N) {
            Contact k;
            k.id = contact_base + static_cast<std::int64_t>(contacts.size()) + 1;
            k.created = c.created;
            k.arabic = rng.Chance(0.6);
            inbox = pick_inbox(mt);
            k.identities.emplace_back(inbox, ++next_identity);
            contacts.push_back(std::move(k));
            c.contact = static_cast<std::uint32_t>(contacts.size() - 1);
        } else {
            c.contact = static_cast<std::uint32_t>(rng.Below(contacts.size()));
            auto& k = contacts[c.contact];
            inbox = rng.Chance(0.85) ? k.identities[0].first : pick_inbox(mt);
            auto it = std::find_if(k.identities.begin(), k.identities.end(),
                                   [&](const auto& p) { return p.first == inbox; });
            if (it == k.identities.end()) k.identities.emplace_back(inbox, ++next_identity);
        }
        c.inbox = inbox;
        auto& k = contacts[c.contact];
        for (auto& [ib, id] : k.identities) {
            if (ib == inbox) c.identity = id;
        }
        c.order = 100'000 + rng.Below(9'900'000);
    }

    // 3. Messages per conversation: one each, the rest heavy-tailed (log-normal weights).
    {
        std::vector<double> w(M);
        std::lognormal_distribution<double> ln(0.0, 1.2);
        for (auto& x : w) x = ln(mt);
        std::discrete_distribution<std::size_t> pick(w.begin(), w.end());
        for (auto& c : convs) c.messages = 1;
        for (std::int64_t i = opt.conversations; i < opt.messages; ++i) ++convs[pick(mt)].messages;
    }

    // 4. Message times: minutes apart within a session, sometimes hours or days later (capped
    // at now); then every message in global time order, which gives their ids.
    std::vector<MessageSlot> slots;
    slots.reserve(static_cast<std::size_t>(opt.messages));
    for (std::uint32_t ci = 0; ci < M; ++ci) {
        auto& c = convs[ci];
        std::int64_t t = c.created;
        for (std::uint32_t k = 0; k < c.messages; ++k) {
            if (k > 0) {
                const double u = rng.Unit();
                double gap_s = u < 0.85 ? 20 + rng.Unit() * 600
                                        : (u < 0.97 ? 3600 * (1 + rng.Unit() * 12)
                                                    : 86400 * (1 + rng.Unit() * 5));
                t = std::min(now_us - 1'000'000, t + static_cast<std::int64_t>(gap_s * 1e6));
            }
            slots.push_back({t, ci, k});
        }
    }
    std::sort(slots.begin(), slots.end(), [](const MessageSlot& a, const MessageSlot& b) {
        return a.at != b.at ? a.at < b.at : a.conversation < b.conversation;
    });
    for (const auto& s : slots) {
        auto& c = convs[s.conversation];
        c.last = std::max(c.last, s.at);
        if (KindOf(opt.seed, s.conversation, s.index) == Kind::kIncoming) c.last_incoming = s.at;
        auto& k = contacts[c.contact];
        k.last = std::max(k.last, s.at);
    }
    std::fprintf(stderr,
                 "gen_inbox_data: planned %zu contacts, %zu conversations, %zu messages "
                 "in %.1f s\n",
                 contacts.size(), M, slots.size(), Seconds(t_start));

    // 5. Drop the secondary indexes; they are rebuilt at the end.
    const std::vector<std::string> tables = {"contacts", "contact_identities", "conversations",
                                             "messages", "message_search",     "contact_search"};
    const auto indexes = db->SecondaryIndexes(tables);
    for (const auto& [name, def] : indexes) db->Exec("DROP INDEX " + name);

    const std::string wss = std::to_string(ws);
    auto t_phase = Clock::now();
    // 6. Contacts, their identities and their search documents.
    {
        CaptureSession cap(dialect);
        for (std::size_t from = 0; from < contacts.size(); from += opt.chunk) {
            const std::size_t to = std::min(contacts.size(), from + opt.chunk);
            std::vector<Row> crow, irow, srow;
            for (std::size_t i = from; i < to; ++i) {
                const auto& k = contacts[i];
                Rng r(opt.seed * 31 + static_cast<std::uint64_t>(k.id));
                const bool latin_name = !k.arabic || r.Chance(0.2);
                std::string name = latin_name ? r.Pick(kLatinFirst) + " " + r.Pick(kLatinLast)
                                              : r.Pick(kArabicFirst) + " " + r.Pick(kArabicLast);
                std::optional<std::string> email, phone;
                if (r.Chance(0.3)) {
                    email = r.Pick(kLatinFirst) + "." + std::to_string(k.id) + "@example.com";
                    for (auto& ch : *email) ch = static_cast<char>(std::tolower(ch));
                }
                const bool whatsapp = inboxes[k.identities[0].first].kind == "whatsapp";
                if (whatsapp || r.Chance(0.2)) phone = "+9665" + std::to_string(10'000'000 + k.id);
                crow.push_back({k.id, ws, name, email ? Value(*email) : Value(nullptr),
                                phone ? Value(*phone) : Value(nullptr),
                                k.arabic ? Value(std::string("ar")) : Value(std::string("en")),
                                k.created, k.last, k.last});
                hudhud::storage::ContactSearchFields f{name, email, phone, {}};
                for (const auto& [ib, id] : k.identities) {
                    const auto& inbox = inboxes[ib];
                    std::string external = inbox.kind == "whatsapp"
                                               ? "9665" + std::to_string(10'000'000 + k.id)
                                               : "gen-" + std::to_string(k.id);
                    irow.push_back({id, ws, k.id, inbox.id, external, k.created});
                    f.inboxes.emplace_back(inbox.id);
                }
                std::sort(f.inboxes.begin(), f.inboxes.end());
                if (!hudhud::storage::SearchRepository::IndexContact(cap, hudhud::WorkspaceId(ws),
                                                                     hudhud::ContactId(k.id), f)
                         .ok()) {
                    Die("IndexContact failed");
                }
                if (auto terms = cap.TakeTerms("contact_search"); !terms.empty()) {
                    srow.push_back({k.id, std::move(terms)});
                }
            }
            db->Load("contacts",
                     {"id", "workspace_id", "name", "email", "phone_e164", "locale", "created_at",
                      "updated_at", "last_activity_at"},
                     crow);
            db->Load("contact_identities",
                     {"id", "workspace_id", "contact_id", "inbox_id", "external_id", "created_at"},
                     irow);
            db->Load("contact_search",
                     {dialect == Dialect::kSqlite ? "rowid" : "contact_id", "terms"}, srow);
        }
    }
    std::fprintf(stderr, "gen_inbox_data: contacts loaded in %.1f s\n", Seconds(t_phase));
    t_phase = Clock::now();

    // 7. Conversations. Recent ones are mostly open or pending, old ones resolved.
    static const char* kStatuses[] = {"open", "pending", "snoozed", "resolved"};
    static const char* kPriorities[] = {"none", "none",   "none", "none",
                                        "low",  "medium", "high", "urgent"};
    for (std::size_t from = 0; from < M; from += opt.chunk) {
        const std::size_t to = std::min(M, from + opt.chunk);
        std::vector<Row> rows;
        for (std::size_t i = from; i < to; ++i) {
            const auto& c = convs[i];
            Rng r(opt.seed * 17 + i);
            const double age_days = static_cast<double>(now_us - c.last) / 86'400e6;
            const double u = r.Unit();
            int status;
            if (age_days < 7)
                status = u < 0.45 ? 0 : u < 0.65 ? 1 : u < 0.70 ? 2 : 3;
            else
                status = u < 0.04 ? 0 : u < 0.07 ? 1 : u < 0.08 ? 2 : 3;
            const bool assigned = status == 3 ? r.Chance(0.9) : r.Chance(0.7);
            const bool unread = status < 2 && c.last_incoming == c.last;
            rows.push_back(
                {conversation_base + static_cast<std::int64_t>(i) + 1, ws, inboxes[c.inbox].id,
                 contacts[c.contact].id, c.identity, std::string(kStatuses[status]),
                 status == 2
                     ? Value(now_us + static_cast<std::int64_t>(1 + r.Below(7)) * 86'400'000'000LL)
                     : Value(nullptr),
                 assigned ? Value(agents[r.Below(agents.size())]) : Value(nullptr),
                 std::string(kPriorities[r.Below(8)]),
                 unread ? static_cast<std::int64_t>(1 + r.Below(3)) : std::int64_t{0}, c.last,
                 c.last_incoming ? Value(c.last_incoming) : Value(nullptr), c.created, c.last});
        }
        db->Load("conversations",
                 {"id", "workspace_id", "inbox_id", "contact_id", "contact_identity_id", "status",
                  "snoozed_until", "assignee_id", "priority", "unread_count", "last_activity_at",
                  "last_incoming_at", "created_at", "updated_at"},
                 rows);
    }
    std::fprintf(stderr, "gen_inbox_data: conversations loaded in %.1f s\n", Seconds(t_phase));
    t_phase = Clock::now();

    // 8. Messages and their search documents, generated on --threads threads in chunks while
    // the previous chunk loads.
    struct Chunk {
        std::vector<Row> messages, search;
    };
    auto make_chunk = [&](std::size_t from, std::size_t to) {
        Chunk out;
        out.messages.reserve(to - from);
        out.search.reserve(to - from);
        CaptureSession cap(dialect);
        for (std::size_t i = from; i < to; ++i) {
            const auto& s = slots[i];
            const auto& c = convs[s.conversation];
            const auto& k = contacts[c.contact];
            const std::int64_t id = message_base + static_cast<std::int64_t>(i) + 1;
            const auto& inbox = inboxes[c.inbox];
            Rng r(opt.seed * 7919 + static_cast<std::uint64_t>(id));
            const Kind kind = KindOf(opt.seed, s.conversation, s.index);
            const bool arabic = k.arabic != r.Chance(0.05);
            std::string text;
            std::string name = arabic ? r.Pick(kArabicFirst) : r.Pick(kLatinFirst);
            switch (kind) {
                case Kind::kIncoming: {
                    const int parts = r.Chance(0.7) ? 1 : 2;
                    for (int p = 0; p < parts; ++p) {
                        if (p) text += arabic ? "، " : ". ";
                        text += Fill(r.Pick(arabic ? kArabicCustomer : kEnglishCustomer), arabic,
                                     c.order, r, name);
                    }
                    if (arabic && r.Chance(0.4)) ArabicVariant(text, r);
                    break;
                }
                case Kind::kAgent:
                    text = Fill(r.Pick(arabic ? kArabicAgent : kEnglishAgent), arabic, c.order, r,
                                name);
                    break;
                case Kind::kBot:
                    text = kBot[arabic ? 1 : 0];
                    break;
                case Kind::kNote:
                    text = r.Pick(kNotes);
                    break;
            }
            const bool incoming = kind == Kind::kIncoming;
            const bool note = kind == Kind::kNote;
            const std::int64_t age_h = (now_us - s.at) / 3'600'000'000LL;
            std::string status = incoming    ? "received"
                                 : note      ? "sent"
                                 : age_h > 2 ? "read"
                                             : (r.Chance(0.5) ? "delivered" : "sent");
            Value external = nullptr;
            if (inbox.kind == "whatsapp" && !note) {
                external = "wamid.HBgMOTY2NTBHRU4V" + std::to_string(id);
            }
            out.messages.push_back(
                {id, ws, conversation_base + static_cast<std::int64_t>(s.conversation) + 1,
                 inbox.id, std::string(incoming ? "incoming" : "outgoing"),
                 std::string(incoming             ? "contact"
                             : kind == Kind::kBot ? "bot"
                                                  : "agent"),
                 kind == Kind::kAgent || note ? Value(agents[r.Below(agents.size())])
                                              : Value(nullptr),
                 std::int64_t{note ? 1 : 0}, text, std::string("text"), external, std::move(status),
                 s.at, s.at});
            if (!hudhud::storage::SearchRepository::IndexMessage(cap, hudhud::WorkspaceId(ws),
                                                                 hudhud::InboxId(inbox.id),
                                                                 hudhud::MessageId(id), text)
                     .ok()) {
                Die("IndexMessage failed");
            }
            if (auto terms = cap.TakeTerms("message_search"); !terms.empty()) {
                out.search.push_back({id, std::move(terms)});
            }
        }
        return out;
    };
    {
        std::deque<std::future<Chunk>> pending;
        std::size_t next = 0;
        std::size_t loaded = 0;
        auto last_report = Clock::now();
        while (next < slots.size() || !pending.empty()) {
            while (next < slots.size() && pending.size() < static_cast<std::size_t>(opt.threads)) {
                const std::size_t to = std::min(slots.size(), next + opt.chunk);
                pending.push_back(std::async(std::launch::async, make_chunk, next, to));
                next = to;
            }
            Chunk c = pending.front().get();
            pending.pop_front();
            // Start generating the next chunk before loading this one.
            if (next < slots.size()) {
                const std::size_t to = std::min(slots.size(), next + opt.chunk);
                pending.push_back(std::async(std::launch::async, make_chunk, next, to));
                next = to;
            }
            db->Load("messages",
                     {"id", "workspace_id", "conversation_id", "inbox_id", "direction",
                      "sender_kind", "sender_id", "private", "content", "content_type",
                      "external_id", "status", "created_at", "updated_at"},
                     c.messages);
            db->Load("message_search",
                     {dialect == Dialect::kSqlite ? "rowid" : "message_id", "terms"}, c.search);
            loaded += c.messages.size();
            if (Seconds(last_report) > 10) {
                last_report = Clock::now();
                std::fprintf(stderr, "gen_inbox_data: %zu/%zu messages (%.0f/s)\n", loaded,
                             slots.size(), static_cast<double>(loaded) / Seconds(t_phase));
            }
        }
    }
    const double message_s = Seconds(t_phase);
    std::fprintf(stderr, "gen_inbox_data: messages loaded in %.1f s (%.0f/s)\n", message_s,
                 static_cast<double>(slots.size()) / message_s);
    t_phase = Clock::now();

    for (const auto& [name, def] : indexes) db->Exec(def);
    std::fprintf(stderr, "gen_inbox_data: %zu indexes rebuilt in %.1f s\n", indexes.size(),
                 Seconds(t_phase));
    t_phase = Clock::now();
    db->Finish();
    std::fprintf(stderr, "gen_inbox_data: finished (%s) in %.1f s\n",
                 dialect == Dialect::kSqlite ? "checkpoint" : "setval, ANALYZE", Seconds(t_phase));

    // One line for scripts: what exists now.
    std::printf(
        "workspace=%lld inboxes=%zu contacts=%lld..%lld conversations=%lld..%lld "
        "messages=%lld..%lld seconds=%.1f\n",
        static_cast<long long>(ws), inboxes.size(), static_cast<long long>(contact_base + 1),
        static_cast<long long>(contact_base + static_cast<std::int64_t>(contacts.size())),
        static_cast<long long>(conversation_base + 1),
        static_cast<long long>(conversation_base + static_cast<std::int64_t>(M)),
        static_cast<long long>(message_base + 1),
        static_cast<long long>(message_base + static_cast<std::int64_t>(slots.size())),
        Seconds(t_start));
    return 0;
}
