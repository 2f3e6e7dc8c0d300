#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "jobs/job_queue.hpp"
#include "storage/database.hpp"

namespace hudhud::jobs::testing {

// Fresh, migrated, empty storage for one test; destroying it removes the storage.
class JobsTestBackend {
  public:
    virtual ~JobsTestBackend() = default;
    // Opens an independent Database instance on the storage, as another process would.
    virtual Result<std::unique_ptr<storage::Database>> Open() = 0;
};

struct JobsBackendFactory {
    std::string name;  // the test-name suffix: letters and digits only
    // Returns null with `skip_reason` set when the backend is not available here.
    std::function<std::unique_ptr<JobsTestBackend>(std::string* skip_reason)> make;
};

// The job queue and worker pool suite (job_suite.cpp). Instantiate it once per backend:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, JobsTest, ::testing::Values(JobsBackendFactory{...}),
//                            JobsBackendName);
class JobsTest : public ::testing::TestWithParam<JobsBackendFactory> {
  protected:
    void SetUp() override;
    void TearDown() override;

    JobId MustEnqueue(const NewJob& job, JobQueue* queue = nullptr);
    std::vector<ClaimedJob> Claim(const std::string& worker, int n = 10,
                                  std::chrono::microseconds lease = std::chrono::seconds(30));
    JobInfo MustGet(WorkspaceId ws, JobId id);
    QueueDepth Depth(JobQueue* queue = nullptr);

    std::unique_ptr<JobsTestBackend> backend_;
    std::unique_ptr<storage::Database> db_;
    FakeClock fake_;
    SystemClock system_;
    std::unique_ptr<JobQueue> queue_;  // on db_ and fake_, fixed jitter 0.5, retention 1 h
};

std::string JobsBackendName(const ::testing::TestParamInfo<JobsBackendFactory>& info);

// Keeps gtest and ctest from printing the factory as raw bytes.
inline void PrintTo(const JobsBackendFactory& f, std::ostream* os) { *os << f.name; }

}  // namespace hudhud::jobs::testing
