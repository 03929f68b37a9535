//! Confirmation prompts: the question on stderr, the answer from stdin, Ctrl-C ends it at once.

use std::io::BufRead;
use std::sync::atomic::Ordering;

use super::{Out, escape_control, shown};
use crate::streams::lock;

impl Out {
    /// Asks a yes/no question on stderr and reads the answer from stdin. `None` when stdin is not
    /// a terminal (the caller then needs `--yes`).
    ///
    /// Ctrl-C ends the prompt at once with `Some(false)` and marks it in
    /// [`OutState`](super::OutState) (see [`Out::prompt_interrupted`]; `run` then exits 130).
    #[must_use]
    pub fn confirm(&self, question: &str) -> Option<bool> {
        if !self.stdin_tty {
            return None;
        }
        let line = self.ask(&format!("{} [y/N] ", escape_control(question, true)));
        Some(matches!(
            line.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }

    /// Asks the user to type a word (for destructive confirmations). `None` without a terminal.
    #[must_use]
    pub fn confirm_typed(&self, question: &str, expected: &str) -> Option<bool> {
        if !self.stdin_tty {
            return None;
        }
        let line = self.ask(&format!(
            "{}\nType `{}` to continue: ",
            escape_control(question, true),
            shown(expected)
        ));
        Some(!self.prompt_interrupted() && line.trim() == expected)
    }

    /// Shows `prompt` on stderr and reads one answer from stdin on its own thread, raced against
    /// Ctrl-C and SIGTERM: a signal ends the prompt at once (an empty answer, marked as
    /// interrupted), not at the next Enter.
    fn ask(&self, prompt: &str) -> String {
        let show = || self.streams.to_stderr(format_args!("{prompt}"));
        let stdin = self.streams.stdin.clone();
        let read = move || {
            let mut line = String::new();
            lock(&stdin)
                .read_line(&mut line)
                .map_or_else(|_| String::new(), |_| line)
        };
        let handle = tokio::runtime::Handle::try_current()
            .ok()
            .filter(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        let Some(handle) = handle else {
            show();
            return read();
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        // The reader is left blocked if a signal wins; the process ends soon after.
        std::thread::spawn(move || {
            let _ = tx.send(read());
        });
        let answer = tokio::task::block_in_place(|| {
            handle.block_on(async {
                let signal = crate::signals::wait_for_signal();
                tokio::pin!(signal);
                // The first poll installs the signal listeners: only then is the prompt shown,
                // so a Ctrl-C typed at it is always seen.
                if futures::poll!(&mut signal).is_ready() {
                    return None;
                }
                show();
                tokio::select! {
                    biased;
                    () = &mut signal => None,
                    line = rx => Some(line.unwrap_or_default()),
                }
            })
        });
        if answer.is_none() {
            self.state.prompt_interrupted.store(true, Ordering::SeqCst);
            self.streams.to_stderr(format_args!("\n"));
        }
        answer.unwrap_or_default()
    }
}
