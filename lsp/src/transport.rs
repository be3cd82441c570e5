//! The stdio transport: a reader thread framing stdin into messages and a writer
//! thread writing responses to stdout. Unlike `lsp_server::Connection::stdio`,
//! joining waits for the writer even when the reader failed (a broken frame),
//! so every response already sent is on stdout before the process exits.

use crossbeam_channel::{bounded, unbounded};
use lsp_server::{Connection, Message};
use std::io::{self, BufReader, Write};
use std::thread::{self, JoinHandle};

/// The two I/O threads of [`stdio`].
pub struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for the writer, and for the reader when `reader_ending` (the
    /// server stopped because the reader did, or after `exit`): `(reader's
    /// result, writer's result)`. A reader still blocked on stdin is left to
    /// the process exit.
    pub fn join(self, reader_ending: bool) -> (io::Result<()>, io::Result<()>) {
        let flatten = |h: JoinHandle<io::Result<()>>| {
            h.join()
                .unwrap_or_else(|_| Err(io::Error::other("an I/O thread panicked")))
        };
        // The writer first: it ends once the connection is dropped.
        let written = flatten(self.writer);
        let read = if reader_ending || self.reader.is_finished() {
            flatten(self.reader)
        } else {
            Ok(())
        };
        (read, written)
    }
}

/// A connection over stdin/stdout.
pub fn stdio() -> (Connection, IoThreads) {
    let (writer_sender, writer_receiver) = unbounded::<Message>();
    let writer = thread::spawn(move || {
        let stdout = io::stdout();
        let mut stdout = stdout.lock();
        for message in writer_receiver {
            message.write(&mut stdout)?;
        }
        stdout.flush()
    });
    let (reader_sender, reader_receiver) = bounded::<Message>(0);
    let reader = thread::spawn(move || {
        let stdin = io::stdin();
        let mut stdin = BufReader::new(stdin.lock());
        while let Some(message) = Message::read(&mut stdin)? {
            let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
            if reader_sender.send(message).is_err() || exit {
                break;
            }
        }
        Ok(())
    });
    let connection = Connection {
        sender: writer_sender,
        receiver: reader_receiver,
    };
    (connection, IoThreads { reader, writer })
}
