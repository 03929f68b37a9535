//! Progress bars on stderr, for long batches of requests.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Out;

impl Out {
    /// A progress bar on stderr, drawn only on a terminal and without `-q`/`-v`. With injected
    /// streams (tests) it is hidden: indicatif draws to the real terminal only.
    #[must_use]
    pub fn progress(&self, len: u64, what: &str) -> ProgressBar {
        if !self.stderr_tty || self.quiet || self.verbose > 0 || !self.streams.is_os() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_owned());
        bar
    }
}

impl Out {
    /// [`Out::progress`] with the estimated time left, for an apply's writes.
    #[must_use]
    pub fn progress_eta(&self, len: u64, what: &str) -> ProgressBar {
        let bar = self.progress(len, what);
        if !bar.is_hidden()
            && let Ok(style) = ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed}, about {eta} left)",
            )
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    }
}

#[cfg(test)]
mod tests {
    use crate::env::Env;
    use crate::output::{Format, Out};

    #[test]
    fn a_bar_is_hidden_with_injected_streams_even_on_a_faked_terminal() {
        let env = Env::fake::<_, String, String>([]).with_ttys(true, true, true);
        let out = Out::new(&env, Format::Table, false, 0, false);
        let bar = out.progress(10, "working");
        assert!(bar.is_hidden());
        bar.inc(5);
        bar.finish_and_clear();
        assert_eq!(env.captured().expect("buffers").stderr.text(), "");
    }
}
