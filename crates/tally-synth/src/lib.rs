//! placeholder until the synth crate lands
