# An npm project: several versions of one name may be installed (exact
# granularity), and a plugin shares its host's react through a peer.

scheme npm
granularity exact
root web 1.0.0

package react 17.0.2, 18.2.0

package react-dom 18.2.0
  depends scheduler >=0.23.0 <0.24.0
  peer react >=18.2.0 <19.0.0

package react-router 6.20.0
  peer react >=16.8.0

package scheduler 0.23.0

package web 1.0.0
  depends react >=18.0.0 <19.0.0
  depends react-dom >=18.0.0 <19.0.0
  depends react-router >=6.0.0 <7.0.0
