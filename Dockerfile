# syntax=docker/dockerfile:1
# Multi-stage: build with the Swift toolchain, run on slim Debian with only libsodium and libsqlite3.
ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libsodium-dev libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first so dependency resolution is cached across source edits.
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
COPY Benchmarks Benchmarks
COPY Tests Tests
RUN swift build -c release --product scim-callout --static-swift-stdlib \
 && mkdir -p /out \
 && cp "$(swift build -c release --show-bin-path)/scim-callout" /out/ \
 && find "$(swift build -c release --show-bin-path)" -maxdepth 1 -name '*.resources' -exec cp -R {} /out/ \;

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libsodium23 libsqlite3-0 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home scim-callout \
 && mkdir -p /data && chown scim-callout:scim-callout /data && chmod 0700 /data
COPY --from=build /out/ /usr/local/bin/
# SCIM schema documents, found by the binary at ../share/scim-callout/Schemas.
COPY Schemas /usr/local/share/scim-callout/Schemas
# Keys, config, policy and the SQLite file live here: back this volume up.
VOLUME ["/data"]
USER scim-callout:scim-callout
ENV SCIM_CALLOUT_DATA_DIR=/data \
    SCIM_CALLOUT_HTTP_LISTEN=0.0.0.0:8080 \
    SCIM_CALLOUT_LOG_FORMAT=json
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/scim-callout"]
CMD ["serve"]
