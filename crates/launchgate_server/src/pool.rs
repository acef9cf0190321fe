//! Store handles on threads of their own: the ledger's API is blocking and refuses to run on
//! an async runtime's threads (tokio's blocking pool included), so each handle lives on a plain
//! thread that takes jobs from a shared queue.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use launchgate_store::Store;

use crate::ServerError;

type Job = Box<dyn FnOnce(&dyn Store) + Send>;

/// `n` store handles, each on its own thread.
#[derive(Debug, Clone)]
pub struct StorePool {
    jobs: mpsc::Sender<Job>,
    location: String,
}

impl StorePool {
    /// Opens `n` handles to the store at `database` (the first applies migrations).
    pub async fn open(database: &str, n: usize) -> Result<StorePool, ServerError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let mut location = String::new();
        for _ in 0..n.max(1) {
            let database = database.to_owned();
            let store = on_thread(move || launchgate_store::open_store(&database)).await??;
            location = store.location();
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name("launchgate-store".to_owned())
                .spawn(move || {
                    loop {
                        let job = {
                            let Ok(queue) = queue.lock() else { return };
                            match queue.recv() {
                                Ok(job) => job,
                                Err(_) => return,
                            }
                        };
                        job(store.as_ref());
                    }
                })
                .map_err(ServerError::Io)?;
        }
        Ok(StorePool { jobs, location })
    }

    /// Where the ledger is (passwords redacted).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Runs `f` with one of the handles.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> T + Send + 'static,
    ) -> Result<T, ServerError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |store| {
                let _ = tx.send(f(store));
            }))
            .map_err(|_| ServerError::Config("the store threads have stopped".to_owned()))?;
        rx.await
            .map_err(|_| ServerError::Config("a store thread stopped during a call".to_owned()))
    }
}

/// Runs `f` on a new plain thread and waits for it without blocking the runtime.
pub async fn on_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServerError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("launchgate-open".to_owned())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(ServerError::Io)?;
    rx.await
        .map_err(|_| ServerError::Config("a store thread panicked".to_owned()))
}
