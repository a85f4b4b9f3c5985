//! A person's pathways: IAE, ESAT, immersions and supported employment.

pub mod iae;
pub mod immersion;
