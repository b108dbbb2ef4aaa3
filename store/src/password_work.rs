//! Hashing and checking passwords (Argon2id: about 19 MiB and tens of
//! milliseconds of CPU each) on blocking threads, at most one fewer at once
//! than the machine has cores (at least one), so requests that hash nothing
//! keep a core. More would only queue for the CPU while each holds its
//! memory; callers beyond the bound wait for a turn instead.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use tokio::sync::Semaphore;

use crate::error::StoreError;

static TURNS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(capacity())));
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// How many hashes may run at once in this process.
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

/// Runs `work` on a blocking thread once a turn is free. The turn is held
/// by the thread itself, so a caller that goes away (a dropped request)
/// does not free it while the hash still runs.
pub(crate) async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    let turn = TURNS
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| StoreError::PasswordHash)?;
    tokio::task::spawn_blocking(move || {
        // Dropped in reverse: the count goes down before the turn is free.
        let _turn = turn;
        let _running = Running::start();
        work()
    })
    .await
    .map_err(|_| StoreError::PasswordHash)
}

/// Counts a hash as running from its start until it ends, even by a panic.
struct Running;

impl Running {
    fn start() -> Running {
        let running = IN_FLIGHT.fetch_add(1, Ordering::Relaxed) + 1;
        PEAK.fetch_max(running, Ordering::Relaxed);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}
