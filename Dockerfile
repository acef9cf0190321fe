# The launchgate CLI as a container image: a static musl binary on distroless.
#
#   docker build -t launchgate .
#   docker run --rm -v "$PWD:/work" launchgate check /work/services/payment
#
# The final image is gcr.io/distroless/static's `debug-nonroot` variant: no package manager,
# runs as an unprivileged user, and carries only a busybox shell at /busybox/sh, which GitLab CI
# needs to run a job's `script:` in the image (see docs/ci.md). The entrypoint is launchgate.
FROM rust:1.95-alpine AS build
RUN apk add --no-cache build-base
WORKDIR /src
COPY . .
# rust-toolchain.toml pins the same toolchain as the base image; --locked keeps Cargo.lock.
RUN cargo build --release --locked --package launchgate \
    && install -D -m 0755 target/release/launchgate /out/launchgate \
    && /out/launchgate --version

FROM gcr.io/distroless/static-debian12:debug-nonroot
COPY --from=build /out/launchgate /usr/local/bin/launchgate
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/launchgate"]
CMD ["--help"]
