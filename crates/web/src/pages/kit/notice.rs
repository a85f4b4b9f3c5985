//! Notices: a confirmation shown once, on the page a form redirects to (POST/redirect/GET). The redirect
//! sets a short-lived cookie naming the notice; the next page shows it and clears the cookie. Only the code
//! travels, so the words shown are always the project's own.

use crate::pages::session::{cookie, set_cookie};
use crate::state::AppState;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

pub const NOTICE_COOKIE: &str = "passerelle_notice";

/// How long a notice waits for its page, in seconds.
const NOTICE_SECONDS: i64 = 60;

/// What a form confirms after it succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    AgreementCreated,
    AgreementSaved,
    OfferPublished,
    ReferralSent,
    StepRecorded,
    MemberAdded,
    MeetingPlanned,
    ActionItemUpdated,
    AgendaItemProposed,
    AgendaItemDecided,
    InvitationsSent,
    MeetingCancelled,
    AttendanceRecorded,
    MinutesSaved,
    MinutesValidated,
    MinutesTransmitted,
    PasswordResetRequested,
    PasswordChanged,
    PersonUpdated,
    SuspensionRecorded,
    ProlongationRequested,
    ContractRecorded,
    AssignmentRecorded,
    AccompanimentActionAdded,
    RegistrationRecorded,
    InterviewRecorded,
    ExitRecorded,
    AgrementRequested,
    AgrementDecided,
    ExitFollowUpRecorded,
    ProlongationGranted,
    ProlongationRefused,
    AmendmentProposed,
    AmendmentSigned,
    AmendmentAdopted,
    AmendmentDeclined,
    AmendmentWithdrawn,
    SupportedEntered,
    SupportedConventionSigned,
    SupportedEmployerAdded,
    SupportedActivityAdded,
    SupportedJobAdded,
    SupportedExited,
    DocumentAdded,
    SpeConsentGiven,
    SpeConsentWithdrawn,
    OrientationSent,
    OrientationAccepted,
    OrientationRefused,
    AgrementAppealed,
    SimulationSaved,
    SimulationDeleted,
    ImmersionSignatureLinkSent,
    ImmersionSigned,
    WaiverRequested,
    WaiverGranted,
    WaiverRefused,
    StateConventionRecorded,
    InterviewScheduled,
    InterviewRescheduled,
    InterviewCancelled,
    FinessRecorded,
}

impl Notice {
    const ALL: [Notice; 62] = [
        Self::AgreementCreated,
        Self::AgreementSaved,
        Self::OfferPublished,
        Self::ReferralSent,
        Self::StepRecorded,
        Self::MemberAdded,
        Self::MeetingPlanned,
        Self::ActionItemUpdated,
        Self::AgendaItemProposed,
        Self::AgendaItemDecided,
        Self::InvitationsSent,
        Self::MeetingCancelled,
        Self::AttendanceRecorded,
        Self::MinutesSaved,
        Self::MinutesValidated,
        Self::MinutesTransmitted,
        Self::PasswordResetRequested,
        Self::PasswordChanged,
        Self::PersonUpdated,
        Self::SuspensionRecorded,
        Self::ProlongationRequested,
        Self::ContractRecorded,
        Self::AssignmentRecorded,
        Self::AccompanimentActionAdded,
        Self::RegistrationRecorded,
        Self::InterviewRecorded,
        Self::ExitRecorded,
        Self::AgrementRequested,
        Self::AgrementDecided,
        Self::ExitFollowUpRecorded,
        Self::ProlongationGranted,
        Self::ProlongationRefused,
        Self::AmendmentProposed,
        Self::AmendmentSigned,
        Self::AmendmentAdopted,
        Self::AmendmentDeclined,
        Self::AmendmentWithdrawn,
        Self::SupportedEntered,
        Self::SupportedConventionSigned,
        Self::SupportedEmployerAdded,
        Self::SupportedActivityAdded,
        Self::SupportedJobAdded,
        Self::SupportedExited,
        Self::DocumentAdded,
        Self::SpeConsentGiven,
        Self::SpeConsentWithdrawn,
        Self::OrientationSent,
        Self::OrientationAccepted,
        Self::OrientationRefused,
        Self::AgrementAppealed,
        Self::SimulationSaved,
        Self::SimulationDeleted,
        Self::ImmersionSignatureLinkSent,
        Self::ImmersionSigned,
        Self::WaiverRequested,
        Self::WaiverGranted,
        Self::WaiverRefused,
        Self::StateConventionRecorded,
        Self::InterviewScheduled,
        Self::InterviewRescheduled,
        Self::InterviewCancelled,
        Self::FinessRecorded,
    ];

    fn code(self) -> &'static str {
        match self {
            Self::AgreementCreated => "agreement_created",
            Self::AgreementSaved => "agreement_saved",
            Self::OfferPublished => "offer_published",
            Self::ReferralSent => "referral_sent",
            Self::StepRecorded => "step_recorded",
            Self::MemberAdded => "member_added",
            Self::MeetingPlanned => "meeting_planned",
            Self::ActionItemUpdated => "action_item_updated",
            Self::AgendaItemProposed => "agenda_item_proposed",
            Self::AgendaItemDecided => "agenda_item_decided",
            Self::InvitationsSent => "invitations_sent",
            Self::MeetingCancelled => "meeting_cancelled",
            Self::AttendanceRecorded => "attendance_recorded",
            Self::MinutesSaved => "minutes_saved",
            Self::MinutesValidated => "minutes_validated",
            Self::MinutesTransmitted => "minutes_transmitted",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordChanged => "password_changed",
            Self::PersonUpdated => "person_updated",
            Self::SuspensionRecorded => "suspension_recorded",
            Self::ProlongationRequested => "prolongation_requested",
            Self::ContractRecorded => "contract_recorded",
            Self::AssignmentRecorded => "assignment_recorded",
            Self::AccompanimentActionAdded => "accompaniment_action_added",
            Self::RegistrationRecorded => "registration_recorded",
            Self::InterviewRecorded => "interview_recorded",
            Self::ExitRecorded => "exit_recorded",
            Self::AgrementRequested => "agrement_requested",
            Self::AgrementAppealed => "agrement_appealed",
            Self::ImmersionSignatureLinkSent => "immersion_signature_link_sent",
            Self::ImmersionSigned => "immersion_signed",
            Self::WaiverRequested => "waiver_requested",
            Self::WaiverGranted => "waiver_granted",
            Self::WaiverRefused => "waiver_refused",
            Self::StateConventionRecorded => "state_convention_recorded",
            Self::AgrementDecided => "agrement_decided",
            Self::ExitFollowUpRecorded => "exit_follow_up_recorded",
            Self::ProlongationGranted => "prolongation_granted",
            Self::ProlongationRefused => "prolongation_refused",
            Self::AmendmentProposed => "amendment_proposed",
            Self::AmendmentSigned => "amendment_signed",
            Self::AmendmentAdopted => "amendment_adopted",
            Self::AmendmentDeclined => "amendment_declined",
            Self::AmendmentWithdrawn => "amendment_withdrawn",
            Self::SupportedEntered => "supported_entered",
            Self::SupportedConventionSigned => "supported_convention_signed",
            Self::SupportedEmployerAdded => "supported_employer_added",
            Self::SupportedActivityAdded => "supported_activity_added",
            Self::SupportedJobAdded => "supported_job_added",
            Self::SupportedExited => "supported_exited",
            Self::DocumentAdded => "document_added",
            Self::SpeConsentGiven => "spe_consent_given",
            Self::SpeConsentWithdrawn => "spe_consent_withdrawn",
            Self::OrientationSent => "orientation_sent",
            Self::OrientationAccepted => "orientation_accepted",
            Self::OrientationRefused => "orientation_refused",
            Self::SimulationSaved => "simulation_saved",
            Self::SimulationDeleted => "simulation_deleted",
            Self::InterviewScheduled => "interview_scheduled",
            Self::InterviewRescheduled => "interview_rescheduled",
            Self::InterviewCancelled => "interview_cancelled",
            Self::FinessRecorded => "finess_recorded",
        }
    }

    /// The words the page shows.
    pub fn message(self) -> &'static str {
        match self {
            Self::AgreementCreated => "Convention créée : complétez sa rédaction.",
            Self::AgreementSaved => "Convention enregistrée.",
            Self::OfferPublished => "Offre publiée.",
            Self::ReferralSent => "Candidature envoyée : la SIAE en est informée et répond sur cette fiche.",
            Self::StepRecorded => "Étape enregistrée : l'autre partie la voit sur cette fiche.",
            Self::MemberAdded => "Membre ajouté au comité.",
            Self::MeetingPlanned => {
                "Réunion planifiée : proposez l'ordre du jour, puis envoyez l'invitation aux membres."
            }
            Self::ActionItemUpdated => "Action mise à jour.",
            Self::AgendaItemProposed => "Point proposé : le secrétariat décide de l'inscrire à l'ordre du jour.",
            Self::AgendaItemDecided => "Décision sur le point enregistrée.",
            Self::InvitationsSent => "Invitation et ordre du jour envoyés aux membres.",
            Self::MeetingCancelled => "Réunion annulée : les membres invités en sont informés.",
            Self::AttendanceRecorded => "Présences enregistrées.",
            Self::MinutesSaved => "Compte rendu enregistré : les membres à voix délibérative peuvent le valider.",
            Self::MinutesValidated => "Votre validation du compte rendu est enregistrée.",
            Self::MinutesTransmitted => "Compte rendu transmis.",
            // The same words whether or not an account exists: the form tells nobody which addresses have one.
            Self::PasswordResetRequested => {
                "Si un compte existe pour cette adresse, un message vient d'être envoyé : ouvrez le lien qu'il \
                 contient dans l'heure pour choisir un nouveau mot de passe."
            }
            Self::PasswordChanged => {
                "Mot de passe modifié : connectez-vous avec le nouveau. Les autres sessions de votre compte ont été \
                 fermées."
            }
            Self::PersonUpdated => "Fiche mise à jour.",
            Self::SuspensionRecorded => "Suspension enregistrée : elle apparaît dans l'historique du PASS IAE.",
            Self::ProlongationRequested => {
                "Demande de prolongation enregistrée : sa décision apparaît dans « Demandes de prolongation »."
            }
            Self::ContractRecorded => "Contrat enregistré.",
            Self::AssignmentRecorded => "Mise à disposition enregistrée.",
            Self::AccompanimentActionAdded => "Action d'accompagnement ajoutée.",
            Self::RegistrationRecorded => "Inscription à France Travail enregistrée.",
            Self::InterviewRecorded => "Entretien tripartite enregistré.",
            Self::ExitRecorded => "Bilan de sortie enregistré : le suivi à 6 mois apparaîtra dans « À faire ».",
            Self::AgrementRequested => {
                "Demande d'agrément enregistrée : sans réponse de Pôle emploi dans le délai, l'agrément est acquis."
            }
            Self::AgrementDecided => "Décision de Pôle emploi enregistrée.",
            Self::AgrementAppealed => {
                "Recours enregistré : le directeur de l'agence le tranche ; sa décision s'enregistre sur cette page."
            }
            Self::ImmersionSignatureLinkSent => {
                "Lien de signature envoyé par courriel : il est valable 14 jours et ne sert qu'une fois. La signature \
                 apparaîtra ici dès qu'elle sera donnée."
            }
            Self::ImmersionSigned => "Signature enregistrée.",
            Self::WaiverRequested => {
                "Demande de dérogation envoyée à la DDETS : le plafond des 480 heures s'applique jusqu'à sa décision, \
                 qui apparaîtra sur cette page."
            }
            Self::WaiverGranted => {
                "Dérogation accordée : l'AI peut mettre la personne à disposition au-delà des 480 heures."
            }
            Self::WaiverRefused => "Dérogation refusée : l'AI lit votre motif.",
            Self::StateConventionRecorded => {
                "Conventionnement enregistré : les parties des conventions de coopération locale de la SIAE sont \
                 prévenues trois mois avant sa fin."
            }
            Self::ExitFollowUpRecorded => "Suivi à 6 mois enregistré.",
            Self::ProlongationGranted => {
                "Prolongation accordée : la nouvelle fin du PASS IAE est affichée en haut de la page."
            }
            Self::ProlongationRefused => {
                "Prolongation refusée : l'employeur voit le motif et l'action proposée sur cette page."
            }
            Self::AmendmentProposed => {
                "Avenant proposé : chaque partie le signe ; la version en vigueur reste la même jusqu'à la dernière \
                 signature."
            }
            Self::AmendmentSigned => {
                "Votre signature de l'avenant est enregistrée : il entrera en vigueur quand toutes les parties \
                 l'auront signé."
            }
            Self::AmendmentAdopted => {
                "Dernière signature enregistrée : l'avenant est en vigueur comme nouvelle version."
            }
            Self::AmendmentDeclined => "Avenant refusé : la version en vigueur reste inchangée.",
            Self::AmendmentWithdrawn => "Avenant retiré : la version en vigueur reste inchangée.",
            Self::SupportedEntered => "Entrée dans le dispositif enregistrée.",
            Self::SupportedConventionSigned => "Convention individuelle enregistrée.",
            Self::SupportedEmployerAdded => "Employeur ajouté à la convention individuelle.",
            Self::SupportedActivityAdded => "Activité enregistrée.",
            Self::SupportedJobAdded => "Emploi enregistré.",
            Self::SupportedExited => "Sortie du dispositif enregistrée : l'accompagnement a pris fin.",
            Self::DocumentAdded => "Document ajouté : les membres le trouvent dans les documents de la réunion.",
            Self::SpeConsentGiven => {
                "Consentement enregistré : le service public de l'emploi lié à l'ESAT par une convention en vigueur \
                 voit le suivi du travailleur."
            }
            Self::SpeConsentWithdrawn => {
                "Retrait du consentement enregistré : le service public de l'emploi ne voit plus le suivi du \
                 travailleur."
            }
            Self::OrientationSent => {
                "Orientation envoyée : le prescripteur habilité en est informé ; sa réponse apparaîtra sur cette page."
            }
            Self::OrientationAccepted => {
                "Personne prise en charge : vous suivez désormais son dossier ; établissez son diagnostic et \
                 prescrivez son parcours depuis cette page."
            }
            Self::OrientationRefused => "Orientation refusée : la structure qui a orienté la personne lit votre motif.",
            Self::SimulationSaved => {
                "Simulation enregistrée dans le dossier : elle figure dans « Simulations de droits » ci-dessous."
            }
            Self::SimulationDeleted => "Simulation supprimée du dossier.",
            Self::InterviewScheduled => {
                "Entretien tripartite prévu : la personne (si son courriel est connu), la SIAE et le référent du \
                 service public de l'emploi reçoivent l'invitation par courriel."
            }
            Self::InterviewRescheduled => "Entretien tripartite déplacé : les invités reçoivent la nouvelle date.",
            Self::InterviewCancelled => "Entretien tripartite annulé : les invités en sont prévenus.",
            Self::FinessRecorded => {
                "Numéro FINESS enregistré : il figure sur la fiche et dans l'export data·inclusion de l'annuaire."
            }
        }
    }

    /// The notice a request carries back from the redirect, if any.
    pub fn carried(headers: &HeaderMap) -> Option<Self> {
        let code = cookie(headers, NOTICE_COOKIE)?;
        Self::ALL.into_iter().find(|n| n.code() == code)
    }

    /// A redirect (303) to `to` whose page will show this notice.
    pub fn redirect(self, state: &AppState, to: &str) -> Response {
        let mut response = Redirect::to(to).into_response();
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(state, NOTICE_COOKIE, self.code(), NOTICE_SECONDS),
        );
        response
    }
}
