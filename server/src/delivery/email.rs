//! Email over SMTP (lettre), or into a local sink folder as `.eml` files
//! when no SMTP server is configured (the embedded default).

use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart, header};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::PoolConfig;
use lettre::{Address, AsyncTransport, Message, Tokio1Executor};
use notify_core::EmailMessage;

use super::SendOutcome;
use super::dkim::{self, DkimSigner};

/// Where emails go, the address they come from, and the DKIM signature
/// every one of them carries when signing is configured.
pub struct EmailTransport {
    route: Route,
    from: Address,
    dkim: Option<DkimSigner>,
}

enum Route {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Sink(PathBuf),
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
        Ok(EmailTransport {
            route: Route::Smtp(mailer),
            from,
            dkim: None,
        })
    }

    pub fn sink(dir: PathBuf, from: Address) -> Self {
        EmailTransport {
            route: Route::Sink(dir),
            from,
            dkim: None,
        }
    }

    /// Every message built from now on is signed with `signer`; refused
    /// when its domain does not align with the From address (see
    /// [`dkim::aligned`]).
    pub fn signed_with(mut self, signer: Option<DkimSigner>) -> Result<Self, String> {
        if let Some(signer) = &signer
            && !dkim::aligned(&self.from, signer.domain())
        {
            return Err(dkim::misaligned(&self.from, signer.domain()));
        }
        self.dkim = signer;
        Ok(self)
    }

    pub fn describe(&self) -> &'static str {
        match self.route {
            Route::Smtp(..) => "SMTP",
            Route::Sink(..) => "local sink folder",
        }
    }

    /// multipart/alternative (plain text + HTML), From the merchant's name
    /// at our address, Reply-To the merchant, Message-ID from the job; with
    /// a DKIM signature when signing is configured. Every email, to SMTP or
    /// the sink, is built here.
    pub fn build(&self, email: &OutgoingEmail<'_>) -> Result<Message, String> {
        let from = &self.from;
        let to: Address = email
            .to
            .parse()
            .map_err(|e| format!("invalid recipient {}: {e}", email.to))?;
        let reply_to: Address = email
            .reply_to
            .parse()
            .map_err(|e| format!("invalid reply-to: {e}"))?;
        let mut message = Message::builder()
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
            .map_err(|e| format!("building the message: {e}"))?;
        if let Some(signer) = &self.dkim {
            signer.sign(&mut message);
        }
        Ok(message)
    }

    pub async fn send(&self, email: &OutgoingEmail<'_>) -> SendOutcome {
        let message = match self.build(email) {
            Ok(m) => m,
            Err(error) => return SendOutcome::Permanent { error },
        };
        match &self.route {
            Route::Smtp(mailer) => match mailer.send(message).await {
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
            Route::Sink(dir) => {
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
