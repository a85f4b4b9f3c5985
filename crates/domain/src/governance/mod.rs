//! Governance: the committees that steer agreements and pathways, how often they must meet, and how early
//! their agendas must be sent. RULES.md section 5; Accord régional BFC 2016 fiche action 8 and article 3; Journées nationales de l'emploi accompagné 2020.

pub mod committee;
pub mod frequency;
pub mod meeting;
pub mod notice;

pub use committee::{CommitteeKind, MemberVote};
pub use frequency::{Frequency, FrequencyReport, FrequencyStatus};
pub use notice::{AgendaNotice, agenda_notice};
