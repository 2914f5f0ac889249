#pragma once
// What the load generator reads about the server under test: its Prometheus metrics
// over HTTP, and its memory and open-file limit from /proc.
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace gadehold::load {

// The text of GET /metrics on 127.0.0.1:port; empty if the server does not answer.
std::string scrape_metrics(unsigned short port);
// The value of an unlabelled sample, or -1 when it is missing.
double metric(const std::string& text, const std::string& name);
// A memory figure of the process from /proc/PID/status in KiB (0 if unreadable):
// "VmRSS:" (all resident pages) or "RssAnon:" (heap and stacks, without the mapped
// files such as libraries and SQLite's -shm).
std::uint64_t rss_kib(pid_t pid, const char* field = "VmRSS:");
// The process's soft limit on open files (0 if unreadable).
std::uint64_t nofile_limit(pid_t pid);

}  // namespace gadehold::load
