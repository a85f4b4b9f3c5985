//! Who signs an immersion convention, and how.
//!
//! The convention binds the beneficiary, the host structure, the prescriber and the support structure (Code du
//! travail, art. L5135-4; model convention of art. D5135-2, cerfa n° 13912). Each organisation signs through its
//! own members: the prescriber's, the support structure's, and the host's when the host is an organisation of the
//! directory (found by its SIRET: an ESAT hosting an ACI employee, seed 002). The person and the company's tutor,
//! who have no account, sign from a link e-mailed to them (an electronic signature, Code civil, art. 1367), or on
//! paper, the signature then being recorded by a member of the prescriber or of the support structure.

use super::Party;
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};

/// How long a signature link stays valid: 14 days, long enough for a tutor back from leave, short enough that a
/// forgotten mail does not sign a convention whose dates have passed (a choice of the system, docs/esat.md).
pub const LINK_DAYS: i64 = 14;

/// The parties who sign from a link: those without an account.
pub const LINK_PARTIES: [Party; 2] = [Party::Beneficiary, Party::HostCompany];

labelled_codes! {
    /// How a signature was given.
    Method as ImmersionSignatureMethod {
        Recorded => "recorded", "sur papier, enregistrée par un membre";
        Account => "account", "avec le compte d'un membre";
        Link => "link", "par le lien de signature";
    }
}

/// What the visitor is to one convention.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    pub prescriber: bool,
    pub support_structure: bool,
    /// A member of the host structure, when it is in the directory.
    pub host: bool,
    pub platform_admin: bool,
}

impl Roles {
    /// Whether the visitor keeps the convention: the prescriber's or the support structure's side.
    pub fn keeps(self) -> bool {
        self.prescriber || self.support_structure || self.platform_admin
    }

    /// Whether the visitor may sign as `party`: an organisation through its own members; the person's and the
    /// company's paper signatures recorded by the prescriber or the support structure.
    pub fn may_sign_as(self, party: Party) -> bool {
        self.platform_admin
            || match party {
                Party::Prescriber => self.prescriber,
                Party::SupportStructure => self.support_structure,
                Party::HostCompany => self.host || self.keeps(),
                Party::Beneficiary => self.keeps(),
            }
    }

    /// Of the `missing` signatures, those the visitor may give: the only choices a page offers.
    pub fn signable(self, missing: &[Party]) -> Vec<Party> {
        missing.iter().copied().filter(|p| self.may_sign_as(*p)).collect()
    }

    /// How the visitor's signature as `party` is given: with its account for its own organisation, else the
    /// record of a paper signature.
    pub fn method_for(self, party: Party) -> Method {
        let own = match party {
            Party::Prescriber => self.prescriber,
            Party::SupportStructure => self.support_structure,
            Party::HostCompany => self.host,
            Party::Beneficiary => false,
        };
        if own { Method::Account } else { Method::Recorded }
    }

    /// Refuses a signature the visitor may not give, saying who signs.
    pub fn check_sign_as(self, party: Party) -> Result<(), Explanation> {
        if self.may_sign_as(party) {
            return Ok(());
        }
        let who = match party {
            Party::Prescriber => "un membre du prescripteur",
            Party::SupportStructure => "un membre de la structure d'accompagnement",
            Party::HostCompany => {
                "un membre de la structure d'accueil, ou le tuteur par le lien de signature qui lui est envoyé"
            }
            Party::Beneficiary => "la personne, par le lien de signature qui lui est envoyé",
        };
        Err(Explanation::new(
            "not_the_signing_party",
            format!("Signature refusée : pour la partie « {} », signe {who}", party.label()),
            "Code du travail, art. L5135-4",
        ))
    }
}

/// Refuses a link for a party who signs with an account.
pub fn check_link_party(party: Party) -> Result<(), Explanation> {
    if LINK_PARTIES.contains(&party) {
        Ok(())
    } else {
        Err(Explanation::new(
            "signature_link_party_not_allowed",
            format!(
                "Lien refusé : la partie « {} » signe avec le compte de ses membres ; un lien s'envoie à la personne \
                 ou au tuteur de l'entreprise d'accueil",
                party.label()
            ),
            "Code du travail, art. L5135-4",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const PRESCRIBER: Roles = Roles {
        prescriber: true,
        support_structure: false,
        host: false,
        platform_admin: false,
    };
    const SUPPORT: Roles = Roles {
        prescriber: false,
        support_structure: true,
        host: false,
        platform_admin: false,
    };
    const HOST: Roles = Roles {
        prescriber: false,
        support_structure: false,
        host: true,
        platform_admin: false,
    };

    // L5135-4: each organisation signs through its members; the person and the tutor from their link or on paper.
    #[rstest]
    #[case::support_offered_no_prescriber(SUPPORT, vec![Party::Beneficiary, Party::HostCompany, Party::SupportStructure])]
    #[case::prescriber_offered_no_support(PRESCRIBER, vec![Party::Beneficiary, Party::HostCompany, Party::Prescriber])]
    #[case::host_signs_as_host_only(HOST, vec![Party::HostCompany])]
    #[case::both_sides(Roles { prescriber: true, ..SUPPORT }, Party::ALL.to_vec())]
    #[case::stranger_nothing(Roles::default(), vec![])]
    fn choices_offered(#[case] roles: Roles, #[case] expected: Vec<Party>) {
        assert_eq!(roles.signable(Party::ALL), expected);
        for p in Party::ALL {
            assert_eq!(roles.check_sign_as(*p).is_ok(), expected.contains(p), "{p:?}");
        }
    }

    #[test]
    fn a_refusal_says_who_signs() {
        let e = SUPPORT.check_sign_as(Party::Prescriber).unwrap_err();
        assert_eq!(e.code, "not_the_signing_party");
        assert!(e.message.contains("un membre du prescripteur"), "{}", e.message);
        assert!(!HOST.keeps());
        assert_eq!(HOST.method_for(Party::HostCompany), Method::Account);
        assert_eq!(SUPPORT.method_for(Party::HostCompany), Method::Recorded);
    }

    #[rstest]
    #[case(Party::Beneficiary, true)]
    #[case(Party::HostCompany, true)]
    #[case(Party::Prescriber, false)]
    #[case(Party::SupportStructure, false)]
    fn links_go_to_those_without_an_account(#[case] party: Party, #[case] allowed: bool) {
        assert_eq!(check_link_party(party).is_ok(), allowed);
    }
}
