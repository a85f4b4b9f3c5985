//! Signature by link (docs/esat.md, « Signature by link »): the person and the host company's tutor, who have no
//! account, sign the convention from a link e-mailed to them by the prescriber or the support structure.
//!
//! The token is 256 random bits, stored as its SHA-256 hash (like the password resets), valid 14 days
//! ([`LINK_DAYS`]), spent once, and replaced by the next link sent to the same party. Opening the link only shows the convention (journaled as a read): mail scanners
//! open links, so the signature is the press of a button, a POST, counted per source address.

use super::{Immersion, ImmersionScope};
use crate::Store;
use crate::access::AccessContext;
use crate::auth::{random_token, token_hash};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::outbox::{OutgoingMail, enqueue};
use crate::infra::sql::{Executor, Tx, query};
use crate::today;
use passerelle_domain::calendar::french_date;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::immersion::signatories::{LINK_DAYS, Method, check_link_party};
use passerelle_domain::pathways::immersion::{Party, Status};
use passerelle_domain::text;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The page a link opens; the token follows in the `jeton` parameter.
pub const LINK_PATH: &str = "/signature-immersion";

/// The uses of links are counted per source address under this name: what could be guessed is the token.
const LINK_ATTEMPTS: &str = "(lien de signature d'immersion)";

/// A link sent: to whom, for which party, until when.
#[derive(Debug, Clone)]
pub struct SentLink {
    pub party: Party,
    pub email: String,
    /// The last day the link opens the convention.
    pub valid_until: Date,
}

/// The convention a link opens, and who signs from it.
#[derive(Debug, Clone)]
pub struct LinkedConvention {
    pub party: Party,
    /// The name the signature bears: the person's, or the tutor's for the host company.
    pub signer_name: String,
    pub immersion: Immersion,
}

/// Why a link does not open the convention: each answer says what to do.
fn refused(code: &'static str) -> StoreError {
    let message = match code {
        "signature_link_expired" => {
            "Ce lien de signature a expiré : il n'est valable que 14 jours. Demandez un nouveau lien à la structure \
             qui vous l'a envoyé."
        }
        "signature_link_used" => {
            "Ce lien de signature a déjà servi : la convention est signée pour votre partie. Si vous pensez que c'est \
             une erreur, contactez la structure qui vous l'a envoyé."
        }
        "signature_link_replaced" => {
            "Ce lien de signature a été remplacé par un lien plus récent : utilisez le dernier message reçu, ou \
             demandez un nouveau lien à la structure qui vous l'a envoyé."
        }
        "signature_link_closed" => {
            "Cette convention n'attend plus de signature (elle a été annulée ou modifiée). Contactez la structure qui \
             vous a envoyé le lien."
        }
        _ => {
            "Ce lien de signature n'est pas valable : vérifiez qu'il a été copié en entier, ou demandez un nouveau \
             lien à la structure qui vous l'a envoyé."
        }
    };
    Invalid::new(code, message).into()
}

fn seconds() -> i64 {
    crate::infra::clock::now().unix_timestamp()
}

impl ImmersionScope<'_> {
    /// E-mails `party` (the person or the host company) a link to sign the convention `id`, to `email`. Sent by
    /// the prescriber or the support structure while the convention awaits that party's signature; the link
    /// opens `public_url` + [`LINK_PATH`].
    pub async fn send_signature_link(&self, id: Uuid, party: &str, email: &str, public_url: &str) -> Result<SentLink> {
        let party = Party::parse(party.trim()).ok_or_else(|| {
            Invalid::new(
                "immersion_party_unknown",
                "Choisissez qui reçoit le lien : la personne ou l'entreprise d'accueil.",
            )
            .on("party")
        })?;
        check_link_party(party).map_err(|e| Invalid::from(e).on("party"))?;
        let email = text::email("email", email)?;
        let mut tx = self.store.pool.begin().await?;
        let i = self.load(&mut tx, id).await?;
        if !self.roles(&i).keeps() {
            return Err(StoreError::forbidden(
                "not_an_immersion_party",
                "Le lien de signature est envoyé par le prescripteur ou la structure d'accompagnement de la \
                 convention.",
            ));
        }
        if i.status != Status::AwaitingSignatures {
            return Err(StoreError::conflict(
                "immersion_not_awaiting_signatures",
                format!(
                    "La convention est au statut « {} » : un lien de signature s'envoie quand elle attend les \
                     signatures (envoyez-la d'abord aux signataires).",
                    i.status_label
                ),
            ));
        }
        if !i.missing_signatures.contains(&party) {
            return Err(StoreError::conflict(
                "immersion_already_signed",
                format!(
                    "La partie « {} » a déjà signé : aucun lien n'est nécessaire.",
                    party.label()
                ),
            ));
        }
        let token = random_token();
        let hash = token_hash(&token);
        let t = seconds();
        // The last link sent is the one that signs: one to a wrong address, or forwarded, no longer does.
        tx.execute(
            query(
                "UPDATE immersion_signature_links SET replaced_at = $1 WHERE immersion_id = $2 AND party = $3 \
                 AND used_at IS NULL AND replaced_at IS NULL",
            )
            .bind(t)
            .bind(id)
            .bind(party.code()),
        )
        .await?;
        let expires_at = t + LINK_DAYS * 86_400;
        tx.execute(
            query(
                "INSERT INTO immersion_signature_links (token_hash, immersion_id, party, email, sent_by_user_id, \
                 created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&hash)
            .bind(id)
            .bind(party.code())
            .bind(&email)
            .bind(self.ctx.user_id())
            .bind(t)
            .bind(expires_at),
        )
        .await?;
        // The last day on which the link still opens the convention.
        let valid_until = OffsetDateTime::from_unix_timestamp(expires_at - 1).map_or(today(), OffsetDateTime::date);
        let sender = [i.prescriber_id, i.support_structure_id]
            .into_iter()
            .find(|o| self.ctx.membership(*o).is_some());
        let sender_name = if sender == Some(i.support_structure_id) {
            &i.support_structure_name
        } else {
            &i.prescriber_name
        };
        let link = format!("{}{LINK_PATH}?jeton={token}", public_url.trim_end_matches('/'));
        // The mail names neither the person nor the convention's details: they are on the page, behind the link.
        let mail = OutgoingMail {
            dedupe_key: format!("immersion-signature-link:{hash}"),
            to: email.clone(),
            subject: "Passerelle : une convention d'immersion à signer".to_owned(),
            text: format!(
                "Bonjour,\n\n{sender_name} vous invite à signer, en tant que {}, une convention d'immersion \
                 professionnelle (période de mise en situation en milieu professionnel) chez {}.\n\nPour la lire et \
                 la signer, ouvrez ce lien :\n\n{link}\n\nLa page présente la convention ; vous la signez en appuyant \
                 sur le bouton « Signer la convention ». Le lien est valable jusqu'au {} inclus et ne sert qu'une \
                 fois. Si ce message ne vous concerne pas, ignorez-le.\n",
                party.label().to_lowercase(),
                i.host_name,
                french_date(valid_until)
            ),
            attachment: None,
        };
        enqueue(&mut tx, &mail, crate::infra::clock::now()).await?;
        let sent = serde_json::json!({ "party": party.code(), "email": email, "valid_until": valid_until });
        record(
            &mut tx,
            self.ctx,
            Event::new("immersion", id, "immersion.signature_link_sent")
                .by(sender)
                .after(&sent),
        )
        .await?;
        tx.commit().await?;
        Ok(SentLink {
            party,
            email,
            valid_until,
        })
    }
}

impl Store {
    /// The convention the link `token` opens, journaled as a read by the link's holder; otherwise the French
    /// reason (`signature_link_unknown`, `_expired`, `_used`, `_replaced`, `_closed`). Opening signs nothing.
    pub async fn signature_link(&self, token: &str) -> Result<LinkedConvention> {
        let mut tx = self.pool.begin().await?;
        let (ctx, id, party) = open(&mut tx, token).await?;
        let scope = self.link_scope(&ctx, id);
        let immersion = scope.load(&mut tx, id).await?;
        check_awaited(&immersion, party)?;
        record(&mut tx, &ctx, Event::new("immersion", id, "immersion.read_by_link")).await?;
        tx.commit().await?;
        Ok(linked(party, immersion))
    }

    /// Signs with the link `token`, from `source` (the client's address, counted like a login): in one
    /// transaction the link is spent, the signature recorded for its party with the signer's name and today's
    /// date, and the step journaled with the link's address as actor.
    pub async fn sign_by_link(&self, token: &str, source: &str) -> Result<LinkedConvention> {
        self.count_attempt(LINK_ATTEMPTS, &format!("immersion-signature:{source}"), seconds())
            .await?;
        let mut tx = self.pool.begin().await?;
        let (ctx, id, party) = open(&mut tx, token).await?;
        let scope = self.link_scope(&ctx, id);
        let before = scope.load(&mut tx, id).await?;
        check_awaited(&before, party)?;
        tx.execute(
            query("UPDATE immersion_signature_links SET used_at = $1 WHERE token_hash = $2")
                .bind(seconds())
                .bind(token_hash(token)),
        )
        .await?;
        let signer = linked(party, before.clone()).signer_name;
        let after = scope
            .record_signature(tx, &before, party, &signer, today(), Method::Link)
            .await?;
        Ok(linked(party, after))
    }

    fn link_scope<'a>(&'a self, ctx: &'a AccessContext, id: Uuid) -> ImmersionScope<'a> {
        ImmersionScope {
            store: self,
            ctx,
            by_link: Some(id),
        }
    }
}

/// The link `token` if it still opens its convention: the holder's context, the convention and the party.
/// Read in the write transaction that uses it, so that of two uses at once the second finds it spent.
async fn open(tx: &mut Tx, token: &str) -> Result<(AccessContext, Uuid, Party)> {
    let row = tx
        .fetch_optional(
            query(
                "SELECT immersion_id, party, email, expires_at, used_at, replaced_at FROM immersion_signature_links \
                 WHERE token_hash = $1",
            )
            .bind(token_hash(token.trim())),
        )
        .await?
        .ok_or_else(|| refused("signature_link_unknown"))?;
    if row.get::<Option<i64>>("used_at")?.is_some() {
        return Err(refused("signature_link_used"));
    }
    if row.get::<i64>("expires_at")? <= seconds() {
        return Err(refused("signature_link_expired"));
    }
    if row.get::<Option<i64>>("replaced_at")?.is_some() {
        return Err(refused("signature_link_replaced"));
    }
    let party: String = row.get("party")?;
    let party = Party::parse(&party).ok_or_else(|| refused("signature_link_unknown"))?;
    let email: String = row.get("email")?;
    let ctx = AccessContext::link(format!(
        "lien de signature ({}) : {email}",
        party.label().to_lowercase()
    ));
    Ok((ctx, row.get("immersion_id")?, party))
}

/// Refuses a link whose party has signed since (on paper, or from another link) or whose convention no longer
/// awaits signatures.
fn check_awaited(i: &Immersion, party: Party) -> Result<()> {
    if !i.missing_signatures.contains(&party) {
        return Err(refused("signature_link_used"));
    }
    if i.status != Status::AwaitingSignatures {
        return Err(refused("signature_link_closed"));
    }
    Ok(())
}

fn linked(party: Party, immersion: Immersion) -> LinkedConvention {
    let signer_name = match party {
        Party::HostCompany => immersion.tutor_name.clone(),
        _ => format!("{} {}", immersion.first_name, immersion.last_name),
    };
    LinkedConvention {
        party,
        signer_name,
        immersion,
    }
}
