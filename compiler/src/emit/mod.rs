//! Stage 7, `emit`: writes the sealed bundle and `pmth.lock`.
