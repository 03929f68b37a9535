//! The standard streams as the CLI sees them: stdout and stderr writers and the stdin of
//! prompts, injected so the whole CLI can run in-process with in-memory buffers.

use std::fmt;
use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// A writer shared by every part of one run (the output policy, the log, the prompts).
pub type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

/// The reader of prompt answers.
pub type SharedReader = Arc<Mutex<Box<dyn BufRead + Send>>>;

/// Standard output, standard error and standard input of one run.
#[derive(Clone)]
pub struct Streams {
    /// Where data goes.
    pub stdout: SharedWriter,
    /// Where status, warnings, prompts and errors go.
    pub stderr: SharedWriter,
    /// Where prompt answers come from.
    pub stdin: SharedReader,
    real: bool,
}

impl fmt::Debug for Streams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streams")
            .field("real", &self.real)
            .finish_non_exhaustive()
    }
}

impl Streams {
    /// The process's own stdout, stderr and stdin.
    #[must_use]
    pub fn os() -> Self {
        Self {
            stdout: Arc::new(Mutex::new(Box::new(io::stdout()))),
            stderr: Arc::new(Mutex::new(Box::new(io::stderr()))),
            stdin: Arc::new(Mutex::new(Box::new(io::BufReader::new(io::stdin())))),
            real: true,
        }
    }

    /// Streams over the given writers and reader (for tests: a writer that fails, a buffer).
    pub fn new(
        stdout: impl Write + Send + 'static,
        stderr: impl Write + Send + 'static,
        stdin: impl BufRead + Send + 'static,
    ) -> Self {
        Self {
            stdout: Arc::new(Mutex::new(Box::new(stdout))),
            stderr: Arc::new(Mutex::new(Box::new(stderr))),
            stdin: Arc::new(Mutex::new(Box::new(stdin))),
            real: false,
        }
    }

    /// In-memory streams: stdin holds `input`; what is written is read back from the
    /// returned [`Captured`].
    #[must_use]
    pub fn memory(input: &str) -> (Self, Captured) {
        let captured = Captured::default();
        let streams = Self::new(
            captured.stdout.clone(),
            captured.stderr.clone(),
            io::Cursor::new(input.as_bytes().to_vec()),
        );
        (streams, captured)
    }

    /// Whether these are the process's own streams (a child process can then inherit them).
    #[must_use]
    pub fn is_os(&self) -> bool {
        self.real
    }

    /// Writes to stderr and flushes, ignoring a failure: a message that cannot be shown never
    /// stops the command (`eprintln!` would panic, losing the write it reports on).
    pub fn to_stderr(&self, args: fmt::Arguments<'_>) {
        let mut stderr = lock(&self.stderr);
        let _ = stderr.write_fmt(args).and_then(|()| stderr.flush());
    }

    /// A writer onto stderr that takes the lock for each write (for the log).
    #[must_use]
    pub fn stderr_writer(&self) -> StderrWriter {
        StderrWriter(self.stderr.clone())
    }
}

/// Locks a shared writer; a writer poisoned by a panic elsewhere is still used.
pub fn lock<T: ?Sized>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// See [`Streams::stderr_writer`].
pub struct StderrWriter(SharedWriter);

impl Write for StderrWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        lock(&self.0).write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        lock(&self.0).write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        lock(&self.0).flush()
    }
}

/// An in-memory byte buffer shared with the test that reads it back.
#[derive(Debug, Clone, Default)]
pub struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    /// What was written so far, as text (invalid UTF-8 replaced).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&lock(&self.0)).into_owned()
    }
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        lock(&self.0).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a run wrote to in-memory streams (see [`Streams::memory`]).
#[derive(Debug, Clone, Default)]
pub struct Captured {
    /// Standard output.
    pub stdout: Buffer,
    /// Standard error.
    pub stderr: Buffer,
}
