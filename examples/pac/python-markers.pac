# A Python project with environment markers and extras.
#
# Markers test variables; the environment fixes the interpreter, and the
# platform is left free for the resolver to choose.

scheme pypi
variable python_version {3.9, 3.10, 3.11, 3.12}
variable sys_platform {darwin, linux, win32}
environment python_version = 3.12
root project 0.1

package colorama 0.4.6
package exceptiongroup 1.2.0
package h2 4.1.0

package httpx 0.25.2, 0.26.0
  depends idna
  depends when python_version in {3.9, 3.10} then exceptiongroup >=1.0
  feature http2: h2 (>=3,<5)

package idna 3.6

package project 0.1
  depends httpx[http2] >=0.25
  depends when sys_platform in {win32} then colorama
  depends when python_version in {3.9, 3.10} then tomli >=1.1
  depends not typing-extensions <4.0

package tomli 2.0.1
