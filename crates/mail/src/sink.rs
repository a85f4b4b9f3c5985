//! A local SMTP server that keeps what it receives: the relay of tests and of a developer's machine.
//! It can be switched to "down" (every connection answered `421` and closed) to play a relay outage.

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
}

impl Sink {
    /// Listens on `127.0.0.1:port` (0 for any free port) until the runtime ends.
    pub async fn start(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let sink = Self {
            address: listener.local_addr()?.to_string(),
            received: Arc::default(),
            up: Arc::new(AtomicBool::new(true)),
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
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-passerelle-sink\r\n250 8BITMIME\r\n"
            } else if let Some(from) = upper.strip_prefix("MAIL FROM:") {
                envelope.from = command[command.len() - from.len()..]
                    .trim_matches(['<', '>', ' '])
                    .to_owned();
                b"250 ok\r\n"
            } else if let Some(to) = upper.strip_prefix("RCPT TO:") {
                envelope.to.push(
                    command[command.len() - to.len()..]
                        .trim_matches(['<', '>', ' '])
                        .to_owned(),
                );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::{Relay, SmtpError};

    #[tokio::test]
    async fn the_client_talks_to_the_sink() {
        let sink = Sink::start(0).await.unwrap();
        let relay = Relay::new(sink.address.clone());
        relay
            .send(
                "Passerelle <no-reply@example.fr>",
                "aci@passerelle.test",
                "Subject: x\r\n\r\n.hidden\r\nend\r\n",
            )
            .await
            .unwrap();
        let received = sink.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].from, "no-reply@example.fr");
        assert_eq!(received[0].to, vec!["aci@passerelle.test".to_owned()]);
        assert_eq!(received[0].data, "Subject: x\r\n\r\n.hidden\r\nend\r\n");

        sink.set_up(false);
        let down = relay.send("a@b.fr", "c@d.fr", "x\r\n").await.unwrap_err();
        assert!(matches!(down, SmtpError::Rejected { code: 421, .. }), "{down}");
        assert!(!down.is_permanent());
        assert_eq!(sink.received().len(), 1);
    }

    #[tokio::test]
    async fn an_unreachable_relay_is_a_connection_error() {
        let address = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().to_string()
        };
        let error = Relay::new(address).send("a@b.fr", "c@d.fr", "x\r\n").await.unwrap_err();
        assert!(matches!(error, SmtpError::Connect { .. }), "{error}");
        assert!(error.to_string().starts_with("relais SMTP injoignable"));
    }
}
