"""The seed document's checklist sections (S1–S16) plus S17 from MCSB."""

SECTIONS: dict[str, str] = {
    "S1": "Use a private registry",
    "S2": "Monitor and scan container images",
    "S3": "Protect credentials",
    "S4": "Vulnerability management in the container lifecycle",
    "S5": "Scan for vulnerabilities",
    "S6": "Map image vulnerabilities to running containers",
    "S7": "Only approved images",
    "S8": "Only approved registries",
    "S9": "Image integrity throughout the lifecycle (signing, pinning, stale images)",
    "S10": "Least privilege at runtime",
    "S11": "Remove unneeded privileges",
    "S12": "Allowlist files and executables",
    "S13": "Network segmentation",
    "S14": "Monitor container activity and user access",
    "S15": "Monitor resource activity",
    "S16": "Log administrative access for auditing",
    "S17": "Data protection (MCSB, beyond the seed)",
}
