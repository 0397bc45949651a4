# No resolution: the app needs b 2, which needs c >= 2, while the app
# itself pins c below 2. `polypac pac solve` explains why, step by step.

scheme semver
root app 1.0.0

package app 1.0.0
  depends b (>=2.0.0, <3.0.0)
  depends c <2.0.0

package b 1.0.0
package b 2.0.0, 2.1.0
  depends c >=2.0.0

package c 1.0.0, 2.0.0
