//! An SMTP client for one configured relay (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT, each reply
//! checked and each step bounded by a timeout. No TLS or authentication: the relay is local or on a trusted
//! network and does those itself (docs/operations.md).

use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Where mail goes: `host:port` of the relay, and the name this server gives in EHLO.
#[derive(Debug, Clone)]
pub struct Relay {
    pub address: String,
    pub helo: String,
    pub timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("relais SMTP injoignable ({address}) : {source}")]
    Connect { address: String, source: std::io::Error },
    #[error("le relais SMTP a refusé « {command} » : {code} {text}")]
    Rejected { command: String, code: u16, text: String },
    #[error("échange SMTP interrompu : {0}")]
    Io(#[from] std::io::Error),
    #[error("le relais SMTP n'a pas répondu à temps")]
    Timeout,
}

impl SmtpError {
    /// A 5xx reply: retrying the same message will fail again (a bad address); anything else may pass later.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Rejected { code, .. } if *code >= 500)
    }
}

impl Relay {
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            helo: "passerelle.localhost".into(),
            timeout: Duration::from_secs(30),
        }
    }

    /// Sends `data` (an RFC 5322 message, CRLF lines) from `from` to `to`.
    pub async fn send(&self, from: &str, to: &str, data: &str) -> Result<(), SmtpError> {
        let stream = match timeout(self.timeout, TcpStream::connect(&self.address)).await {
            Err(_) => return Err(SmtpError::Timeout),
            Ok(Err(source)) => {
                return Err(SmtpError::Connect {
                    address: self.address.clone(),
                    source,
                });
            }
            Ok(Ok(stream)) => stream,
        };
        let mut session = Session {
            stream: BufReader::new(stream),
            timeout: self.timeout,
        };
        session.expect("connexion", 220).await?;
        session.command(&format!("EHLO {}", self.helo), 250).await?;
        session
            .command(&format!("MAIL FROM:<{}>", address_of(from)), 250)
            .await?;
        session.command(&format!("RCPT TO:<{}>", address_of(to)), 250).await?;
        session.command("DATA", 354).await?;
        session.write(&dot_stuffed(data)).await?;
        session.expect("fin du message", 250).await?;
        // The message is accepted; a failed QUIT changes nothing.
        let _ = session.command("QUIT", 221).await;
        Ok(())
    }
}

struct Session {
    stream: BufReader<TcpStream>,
    timeout: Duration,
}

impl Session {
    async fn write(&mut self, text: &str) -> Result<(), SmtpError> {
        timeout(self.timeout, self.stream.get_mut().write_all(text.as_bytes()))
            .await
            .map_err(|_| SmtpError::Timeout)??;
        Ok(())
    }

    async fn command(&mut self, command: &str, expected: u16) -> Result<(), SmtpError> {
        self.write(&format!("{command}\r\n")).await?;
        self.expect(command, expected).await
    }

    /// Reads a reply (its continuation lines `250-...` up to the last `250 ...`) and checks its class.
    async fn expect(&mut self, command: &str, expected: u16) -> Result<(), SmtpError> {
        loop {
            let mut line = String::new();
            let read = timeout(self.timeout, self.stream.read_line(&mut line))
                .await
                .map_err(|_| SmtpError::Timeout)??;
            if read == 0 {
                return Err(SmtpError::Io(std::io::ErrorKind::UnexpectedEof.into()));
            }
            let code = line.get(..3).and_then(|c| c.parse::<u16>().ok()).unwrap_or(0);
            if line.as_bytes().get(3) == Some(&b'-') {
                continue;
            }
            if code / 100 != expected / 100 {
                return Err(SmtpError::Rejected {
                    command: command.split(':').next().unwrap_or(command).to_owned(),
                    code,
                    text: line.get(4..).unwrap_or("").trim().to_owned(),
                });
            }
            return Ok(());
        }
    }
}

/// `Name <a@b>` or `a@b` -> `a@b`.
fn address_of(mailbox: &str) -> &str {
    match (mailbox.rfind('<'), mailbox.rfind('>')) {
        (Some(start), Some(end)) if start < end => &mailbox[start + 1..end],
        _ => mailbox.trim(),
    }
}

/// The DATA section: lines starting with a dot get another (RFC 5321 4.5.2), then the closing `.`.
fn dot_stuffed(data: &str) -> String {
    let mut out = String::with_capacity(data.len() + 8);
    for line in data.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_dots() {
        assert_eq!(address_of("Passerelle <no-reply@example.fr>"), "no-reply@example.fr");
        assert_eq!(address_of(" aci@passerelle.test "), "aci@passerelle.test");
        assert_eq!(dot_stuffed("a\r\n.b\r\n"), "a\r\n..b\r\n.\r\n");
        assert_eq!(dot_stuffed("a"), "a\r\n.\r\n");
    }
}
