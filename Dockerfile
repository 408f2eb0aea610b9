# syntax=docker/dockerfile:1
# Tidings in a small, non-root container. Build:  docker build -t tidings .
# Run:    docker run -p 8080:8080 -e TIDINGS_IMAP=mail.example.org:993 \
#           -e TIDINGS_SESSION_KEY=... -e TIDINGS_TIMEZONE=Europe/Berlin tidings
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Generated templ files are committed; regenerate anyway so a stale checkout
# cannot ship stale pages.
RUN go tool templ generate && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tidings ./cmd/tidings

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tidings /tidings
ENV TIDINGS_LISTEN=:8080
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK NONE
ENTRYPOINT ["/tidings"]
