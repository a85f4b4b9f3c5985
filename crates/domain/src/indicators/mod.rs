//! Indicators: declared definitions, periods, dimensions, small-count masking and progress against
//! the targets of agreements. Pure: the store computes the values from the facts it recorded.

pub mod definitions;
pub mod dimension;
pub mod esat;
pub mod masking;
pub mod period;
pub mod readings;
pub mod targets;

pub use definitions::{DEFINITIONS, Definition, Family, IndicatorCode, Source, Unit, definition};
pub use dimension::{Dimension, parse_breakdown};
pub use masking::{Cell, MINIMUM_THRESHOLD, MaskReason, mask, protect, threshold};
pub use period::{Granularity, Period, PeriodRange};
pub use targets::{Progress, TargetStatus, indicator_of, period_of, progress};
