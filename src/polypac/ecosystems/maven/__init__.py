"""Java's Maven and Gradle: ``pom.xml`` and ``gradle.lockfile``."""

from __future__ import annotations

from polypac.ecosystems.maven.gradle_lockfile import configuration_scope, read_gradle_lockfile
from polypac.ecosystems.maven.pom import maven_purl, read_pom

__all__ = ["configuration_scope", "maven_purl", "read_gradle_lockfile", "read_pom"]
