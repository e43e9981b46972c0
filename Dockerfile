# mfactl's container image: the static binary and a CA bundle (mfactl talks
# TLS to AWS) on an empty base, run as a non-root user. Built by GoReleaser in
# a release and by `make image` locally; both put the binary for each
# platform at <os>/<arch>/mfactl in the build context.
FROM scratch
ARG TARGETPLATFORM
COPY build/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY $TARGETPLATFORM/mfactl /usr/bin/mfactl
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/bin/mfactl"]
