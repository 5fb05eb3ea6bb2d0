//! The library's error type. Every variant names the file (and line, where
//! there is one) it is about, so a message can be printed as is.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Gazetteer {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: looks like a binary file (NUL byte at offset {offset}); skipped")]
    Binary { path: PathBuf, offset: usize },
    #[error("{path}:{line}: {message}")]
    Input {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Gold { path: PathBuf, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
