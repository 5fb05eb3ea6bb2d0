pub mod clean;
pub mod error;
pub mod offsets;
pub mod span;
pub mod gazetteer;
