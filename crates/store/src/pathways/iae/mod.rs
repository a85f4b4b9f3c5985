//! IAE pathways: the SIAE's offers, diagnoses and prescriptions with their referral sheets, the pathway and its
//! approval, contracts and assignments, accompaniment and exit.

pub mod contract;
pub mod exit;
pub mod interview;
pub mod offer;
pub mod orientation;
pub mod pathway;
pub mod referral;
pub mod waiver;
