//! Hashing and checking passwords (Argon2id: about 19 MiB and tens of
//! milliseconds of CPU each) on a few threads of their own: one fewer than
//! the machine has cores (at least one), so requests that hash nothing
//! keep a core. Callers beyond that wait their turn in a queue. The threads
//! are fixed, not the runtime's growing blocking pool, because the
//! allocator keeps each thread's freed 19 MiB for that thread: memory is
//! bounded by the number of threads, not only by the hashes in flight.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, LazyLock, Mutex};
use std::thread::ThreadId;

use crate::error::StoreError;

type Job = Box<dyn FnOnce() + Send>;

static QUEUE: LazyLock<Sender<Job>> = LazyLock::new(start_threads);
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static THREADS_USED: LazyLock<Mutex<HashSet<ThreadId>>> = LazyLock::new(Default::default);

/// How many hashes may run at once in this process (and on how many threads).
pub fn capacity() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |cores| cores.get() - 1)
        .max(1)
}

/// Hashes running now.
pub fn in_flight() -> usize {
    IN_FLIGHT.load(Ordering::Relaxed)
}

/// The most hashes that ever ran at once in this process.
pub fn peak_in_flight() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// How many different threads ever hashed in this process.
pub fn threads_used() -> usize {
    THREADS_USED.lock().map_or(0, |threads| threads.len())
}

fn start_threads() -> Sender<Job> {
    let (sender, receiver) = channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for i in 0..capacity() {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("password-{i}"))
            .spawn(move || {
                loop {
                    let job = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    // A panicking hash fails its caller, not the thread.
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                }
            })
            .expect("starting a password thread");
    }
    sender
}

/// Runs `work` on a password thread once one is free. It runs to the end
/// even if the caller goes away (a dropped request), holding its thread.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let out = {
            let _running = Running::start();
            work()
        };
        let _ = answer.send(out);
    });
    QUEUE.send(job).map_err(|_| StoreError::PasswordHash)?;
    answered.await.map_err(|_| StoreError::PasswordHash)
}

/// Counts a hash as running from its start until it ends, even by a panic.
struct Running;

impl Running {
    fn start() -> Running {
        let running = IN_FLIGHT.fetch_add(1, Ordering::Relaxed) + 1;
        PEAK.fetch_max(running, Ordering::Relaxed);
        if let Ok(mut threads) = THREADS_USED.lock() {
            threads.insert(std::thread::current().id());
        }
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}
