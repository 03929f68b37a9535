//! Saving the state while serving: the state file is written at most every [`DEBOUNCE`] after a
//! change, always on shutdown, and before answering under [`crate::Config::save_every_change`].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::EmulatorError;
use crate::app::App;
use crate::respond::ApiError;
use crate::state_file::write_atomic;

/// How long a change may wait before it is written.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(200);

/// Writes the state if it changed since the last write.
pub(crate) async fn flush(app: &Arc<App>) -> Result<(), EmulatorError> {
    let Some(path) = app.config.state_file.clone() else {
        return Ok(());
    };
    let p = &app.persist;
    let _guard = p.write_lock.lock().await;
    let changed = p.changed.load(Ordering::SeqCst);
    if changed == p.written.load(Ordering::SeqCst) {
        return Ok(());
    }
    let bytes = app
        .read_store()
        .to_json()
        .map_err(|e| EmulatorError::StateFileWrite {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
    let target = path.clone();
    tokio::task::spawn_blocking(move || write_atomic(&target, &bytes))
        .await
        .map_err(|e| EmulatorError::Task(e.to_string()))?
        .map_err(|source| EmulatorError::StateFileWrite { path, source })?;
    p.written.store(changed, Ordering::SeqCst);
    Ok(())
}

/// Under [`crate::Config::save_every_change`]: runs one service request, then writes the state file
/// when the request changed the state. When the write fails the change is undone (the state is
/// what it was before the request) and the answer is 507 [`crate::STATE_NOT_SAVED`], so the
/// client never reports a change that a restart would lose.
pub(crate) async fn save_each_change(
    State(app): State<Arc<App>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(path) = app.config.state_file.clone() else {
        return next.run(req).await;
    };
    let p = &app.persist;
    let _one_at_a_time = p.request_lock.lock().await;
    // GET requests never change the state; anything else may.
    let snapshot = (req.method() != Method::GET).then(|| app.read_store().clone());
    let before = p.changed.load(Ordering::SeqCst);
    let in_sync = before == p.written.load(Ordering::SeqCst);
    let response = next.run(req).await;
    let Some(snapshot) = snapshot else {
        return response;
    };
    if p.changed.load(Ordering::SeqCst) == before {
        return response;
    }
    match flush(&app).await {
        Ok(()) => response,
        Err(e) => {
            *app.write_store() = snapshot;
            if in_sync {
                // Memory is back to what the file holds.
                p.written
                    .store(p.changed.load(Ordering::SeqCst), Ordering::SeqCst);
            }
            let reason = match &e {
                EmulatorError::StateFileWrite { source, .. } => source.to_string(),
                other => other.to_string(),
            };
            let dir = path.parent().unwrap_or(&path).display().to_string();
            ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                crate::STATE_NOT_SAVED,
                "State not saved",
                format!(
                    "the state under {dir} could not be saved (disk full?): {reason}; the change was undone"
                ),
            )
            .into_response()
        }
    }
}

/// Writes changes in the background, at most every [`DEBOUNCE`], until `stop` changes. Never
/// aborted mid-write, so a late rename cannot overwrite the final flush with older state.
pub(crate) async fn debounce_loop(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = app.persist.notify.notified() => {}
            _ = stop.changed() => return,
        }
        tokio::select! {
            () = tokio::time::sleep(DEBOUNCE) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = flush(&app).await {
            tracing::warn!("{e}");
        }
    }
}
