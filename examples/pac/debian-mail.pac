# A Debian mail server: virtual packages, alternatives, conflicts.
#
# mail-transport-agent is virtual: exim4 and postfix provide it (unversioned,
# Debian policy 7.5), and each conflicts with it, so only one MTA is installed
# (a package never conflicts with itself).

scheme deb
root mailserver 1.0-1

package bsd-mailx 8.1.2-0.20220412cvs-1
  depends libc6 >= 2.34
  depends exim4 | mail-transport-agent

package exim4 4.96-15
  depends libc6 >= 2.36
  depends not mail-transport-agent
  provides mail-transport-agent

package libc6 2.31-13, 2.36-9

package mailserver 1.0-1
  depends bsd-mailx
  depends postfix >= 3.7
  depends not sendmail-bin

package postfix 3.7.10-0+deb12u1
  depends libc6 >= 2.34
  depends not mail-transport-agent
  provides mail-transport-agent

package sendmail-bin 8.17.1.9-2
  provides mail-transport-agent
