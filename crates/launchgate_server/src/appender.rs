//! Group commit: uploads arriving while the ledger is busy wait in a queue and are appended
//! together, in one transaction (one ledger lock, one head read, one commit), by a single task.
//! Every upload still gets its own result, and only once its transaction has committed. Uploads
//! arrive prepared ([`PreparedEvent`]): the per-upload work (canonical JSON, summaries, hashing
//! the body) is done by the request handlers, in parallel, not here one after another.

use launchgate_store::{Event, PreparedEvent, StoreError};
use tokio::sync::{mpsc, oneshot};

use crate::ServerError;
use crate::pool::StorePool;

/// The most events appended in one transaction.
pub const MAX_BATCH: usize = 64;

type Reply = oneshot::Sender<Result<(Event, bool), StoreError>>;

/// The queue of idempotent appends (see [`launchgate_store::Store::append_prepared_many`]).
#[derive(Debug, Clone)]
pub struct Appender {
    queue: mpsc::UnboundedSender<(PreparedEvent, Reply)>,
}

impl Appender {
    /// Starts the task that appends queued events through `stores` (on the current runtime).
    pub fn start(stores: StorePool) -> Appender {
        let (queue, mut waiting) = mpsc::unbounded_channel::<(PreparedEvent, Reply)>();
        tokio::spawn(async move {
            while let Some(first) = waiting.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match waiting.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let (events, replies): (Vec<PreparedEvent>, Vec<Reply>) = batch.into_iter().unzip();
                let results = stores
                    .run(move |store| store.append_prepared_many(events, jiff::Timestamp::now()))
                    .await;
                // On a stopped store thread the replies are dropped: each caller sees an error.
                if let Ok(results) = results {
                    for (reply, result) in replies.into_iter().zip(results) {
                        let _ = reply.send(result);
                    }
                }
            }
        });
        Appender { queue }
    }

    /// Appends `event` unless an event with its service, kind and nonce is stored (`false`).
    pub async fn append_unique(
        &self,
        event: PreparedEvent,
    ) -> Result<Result<(Event, bool), StoreError>, ServerError> {
        let (reply, result) = oneshot::channel();
        self.queue
            .send((event, reply))
            .map_err(|_| ServerError::Config("the ledger appender has stopped".to_owned()))?;
        result.await.map_err(|_| {
            ServerError::Config("the ledger appender stopped during an append".to_owned())
        })
    }
}
