//! A local SMTP server that keeps what it receives: the relay of tests and of a developer's machine.
//! It can be switched to "down" (every connection answered `421` and closed) to play a relay outage, or to
//! offer STARTTLS, which it then cannot carry out (it has no certificate): a client must not go on in clear.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message after DATA, dot-stuffing removed.
    pub data: String,
}

#[derive(Clone)]
pub struct Sink {
    pub address: String,
    received: Arc<Mutex<Vec<Received>>>,
    up: Arc<AtomicBool>,
    starttls: Arc<AtomicBool>,
}

impl Sink {
    /// Listens on `127.0.0.1:port` (0 for any free port) until the runtime ends.
    pub async fn start(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let sink = Self {
            address: listener.local_addr()?.to_string(),
            received: Arc::default(),
            up: Arc::new(AtomicBool::new(true)),
            starttls: Arc::default(),
        };
        let serving = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sink = serving.clone();
                tokio::spawn(async move {
                    let _ = sink.session(stream).await;
                });
            }
        });
        Ok(sink)
    }

    pub fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }

    pub fn offer_starttls(&self, offer: bool) {
        self.starttls.store(offer, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    async fn session(&self, stream: tokio::net::TcpStream) -> std::io::Result<()> {
        let mut stream = BufReader::new(stream);
        if !self.up.load(Ordering::SeqCst) {
            return stream.get_mut().write_all(b"421 sink down, try later\r\n").await;
        }
        stream.get_mut().write_all(b"220 passerelle-sink ready\r\n").await?;
        let mut envelope = Received {
            from: String::new(),
            to: Vec::new(),
            data: String::new(),
        };
        let mut line = String::new();
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_owned();
            let upper = command.to_ascii_uppercase();
            let starttls = self.starttls.load(Ordering::SeqCst);
            let reply: &[u8] = if (upper.starts_with("EHLO") || upper.starts_with("HELO")) && starttls {
                b"250-passerelle-sink\r\n250-STARTTLS\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-passerelle-sink\r\n250 8BITMIME\r\n"
            } else if upper == "STARTTLS" && starttls {
                // What follows would be a TLS handshake, which this sink cannot answer.
                stream.get_mut().write_all(b"220 go ahead\r\n").await?;
                return stream.get_mut().write_all(b"not a TLS server\r\n").await;
            } else if upper.starts_with("MAIL FROM:") {
                envelope.from = path(&command);
                b"250 ok\r\n"
            } else if upper.starts_with("RCPT TO:") {
                envelope.to.push(path(&command));
                b"250 ok\r\n"
            } else if upper == "DATA" {
                stream.get_mut().write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                envelope.data = read_data(&mut stream).await?;
                if let Ok(mut received) = self.received.lock() {
                    received.push(envelope.clone());
                }
                b"250 queued\r\n"
            } else if upper == "QUIT" {
                stream.get_mut().write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                b"502 not implemented\r\n"
            };
            stream.get_mut().write_all(reply).await?;
        }
    }
}

/// The address of `MAIL FROM:<a@b> BODY=8BITMIME` or `RCPT TO:<a@b>`.
fn path(command: &str) -> String {
    let after = command.split_once(':').map_or("", |(_, rest)| rest);
    let inside = after.split_once('<').and_then(|(_, rest)| rest.split_once('>'));
    inside.map_or(after.trim(), |(address, _)| address).to_owned()
}

async fn read_data(stream: &mut BufReader<tokio::net::TcpStream>) -> std::io::Result<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 || line == ".\r\n" {
            return Ok(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}
