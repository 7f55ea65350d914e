// BatchQueue: hands batches from one producer thread to one consumer thread
// in order, holding at most a few batches so the producer cannot run far
// ahead. Either side may stop the other: the consumer with Stop() (Push then
// returns false), the producer with Close() (Pop returns false once empty).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "quipu/status.h"

namespace quipu::import {

template <typename T>
class BatchQueue {
 public:
  explicit BatchQueue(size_t max_batches = 4) : max_(max_batches) {}

  // Waits for room; false when the consumer has stopped.
  bool Push(std::vector<T> batch) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stopped_ || batches_.size() < max_; });
    if (stopped_) return false;
    batches_.push_back(std::move(batch));
    cv_.notify_all();
    return true;
  }

  // Waits for a batch; false when the producer has closed and all are taken.
  bool Pop(std::vector<T>* batch) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !batches_.empty(); });
    if (batches_.empty()) return false;
    *batch = std::move(batches_.front());
    batches_.pop_front();
    cv_.notify_all();
    return true;
  }

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    batches_.clear();
    cv_.notify_all();
  }

 private:
  const size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<T>> batches_;
  bool closed_ = false, stopped_ = false;
};

// Runs produce(&queue) on a second thread, pushing batches, while this one
// runs consume(batch) on each in order: a load parses on one thread while
// the other interns and writes. Returns the consumer's error if there is
// one (the producer is then stopped: its Push returns false), else the
// producer's.
template <typename T, typename Produce, typename Consume>
Status RunPipeline(const Produce& produce, const Consume& consume) {
  BatchQueue<T> queue;
  Status produced;
  std::thread producer([&] {
    produced = produce(&queue);
    queue.Close();
  });
  Status consumed;
  std::vector<T> batch;
  while (consumed.ok() && queue.Pop(&batch)) consumed = consume(batch);
  if (!consumed.ok()) queue.Stop();
  producer.join();
  return consumed.ok() ? produced : consumed;
}

}  // namespace quipu::import
