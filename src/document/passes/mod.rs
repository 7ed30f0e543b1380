//! Passes over an edition's model, one file each, run by the pipeline in this order: `turns` (interview
//! turns, on every parsed chapter), `assemble`
//! (edition metadata, untranslated-chapter marker), `people` (speakers, bios), `citations`
//! (hayagriva), `crossrefs` (figure and table numbers, references), `labels` (labels nothing
//! shows), `links` (internal link check), `standards` (what a PDF standard needs).

pub mod assemble;
pub mod citations;
pub mod crossrefs;
pub mod labels;
pub mod links;
pub mod people;
pub mod standards;
pub mod turns;
