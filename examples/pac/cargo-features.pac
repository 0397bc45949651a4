# A Rust crate with features: optional dependencies, default features,
# public dependencies, and semver-compatible versions side by side.

scheme cargo
granularity semver-major
default-feature default
root app 0.1.0

package app 0.1.0
  depends public serde[derive] ^1.0.150
  depends no-default tokio[macros, rt] ^1.28.0
  depends reqwest[json] ^0.11.0
  depends log ^0.4.0

package log 0.3.9
  depends log ^0.4.0  # the semver trick: 0.3 re-exports 0.4
package log 0.4.20

package reqwest 0.11.22
  depends tokio[net] ^1.0.0
  feature default: rustls ^0.21.0
  feature json: serde ^1.0.0
  feature json: serde_json ^1.0.0

package rustls 0.21.8

package serde 1.0.150, 1.0.193
  feature default: serde[std]
  feature derive: serde_derive =1.0.193
  feature std

package serde_derive 1.0.193

package serde_json 1.0.108
  depends public serde ^1.0.100

package tokio 1.28.2, 1.35.1
  feature default
  feature macros
  feature net
  feature rt
