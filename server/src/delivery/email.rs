//! Email over SMTP (lettre), or into a local sink folder as `.eml` files
//! when no SMTP server is configured (the embedded default).

use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart, header};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::PoolConfig;
use lettre::{Address, AsyncTransport, Message, Tokio1Executor};
use notify_core::EmailMessage;

use super::SendOutcome;

pub enum EmailTransport {
    Smtp {
        mailer: AsyncSmtpTransport<Tokio1Executor>,
        from: Address,
    },
    Sink {
        dir: PathBuf,
        from: Address,
    },
}

pub struct OutgoingEmail<'a> {
    pub job_id: &'a str,
    pub to: &'a str,
    /// The merchant's name, shown as the sender.
    pub from_name: &'a str,
    /// Where customers' replies go (the merchant's address).
    pub reply_to: &'a str,
    pub message: &'a EmailMessage,
}

impl EmailTransport {
    /// `smtp_url` in lettre's forms: `smtp://host:port`,
    /// `smtp://user:pass@host:587?tls=required`, `smtps://...`. Up to
    /// `connections` SMTP connections are kept open and reused (one per
    /// send in flight); a connection the relay closed is noticed before
    /// reuse (NOOP) and replaced.
    pub fn smtp(
        smtp_url: &str,
        from: Address,
        connections: usize,
        timeout: std::time::Duration,
    ) -> Result<Self, String> {
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("SMTP_URL: {e}"))?
            .timeout(Some(timeout))
            .pool_config(PoolConfig::new().max_size(u32::try_from(connections).unwrap_or(u32::MAX)))
            .build();
        Ok(EmailTransport::Smtp { mailer, from })
    }

    pub fn sink(dir: PathBuf, from: Address) -> Self {
        EmailTransport::Sink { dir, from }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            EmailTransport::Smtp { .. } => "SMTP",
            EmailTransport::Sink { .. } => "local sink folder",
        }
    }

    fn from(&self) -> &Address {
        match self {
            EmailTransport::Smtp { from, .. } | EmailTransport::Sink { from, .. } => from,
        }
    }

    /// multipart/alternative (plain text + HTML), From the merchant's name
    /// at our address, Reply-To the merchant, Message-ID from the job.
    pub fn build(&self, email: &OutgoingEmail<'_>) -> Result<Message, String> {
        let from = self.from();
        let to: Address = email
            .to
            .parse()
            .map_err(|e| format!("invalid recipient {}: {e}", email.to))?;
        let reply_to: Address = email
            .reply_to
            .parse()
            .map_err(|e| format!("invalid reply-to: {e}"))?;
        Message::builder()
            .message_id(Some(format!("<{}@{}>", email.job_id, from.domain())))
            .date_now()
            .from(Mailbox::new(Some(email.from_name.to_owned()), from.clone()))
            .reply_to(Mailbox::new(Some(email.from_name.to_owned()), reply_to))
            .to(Mailbox::new(None, to))
            .subject(email.message.subject.clone())
            .header(header::MIME_VERSION_1_0)
            .multipart(MultiPart::alternative_plain_html(
                email.message.text.clone(),
                email.message.html.clone(),
            ))
            .map_err(|e| format!("building the message: {e}"))
    }

    pub async fn send(&self, email: &OutgoingEmail<'_>) -> SendOutcome {
        let message = match self.build(email) {
            Ok(m) => m,
            Err(error) => return SendOutcome::Permanent { error },
        };
        match self {
            EmailTransport::Smtp { mailer, .. } => match mailer.send(message).await {
                Ok(response) => SendOutcome::Sent {
                    provider_id: Some(response.message().collect::<Vec<_>>().join(" "))
                        .filter(|s| !s.is_empty()),
                },
                Err(e) if e.is_permanent() => SendOutcome::Permanent {
                    error: format!("SMTP: {e}"),
                },
                Err(e) => SendOutcome::Transient {
                    error: format!("SMTP: {e}"),
                    retry_after: None,
                },
            },
            EmailTransport::Sink { dir, .. } => {
                super::write_to_sink(
                    dir,
                    "email",
                    &format!("{}.eml", email.job_id),
                    message.formatted(),
                )
                .await
            }
        }
    }
}
