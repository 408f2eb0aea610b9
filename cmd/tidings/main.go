// Command tidings serves the Tidings webmail. With no IMAP server
// configured it starts a demo: an embedded in-memory IMAP server with a
// seeded mailbox (sign in as demo / demo).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // -timezone works in images without a zone database

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/web"
	"github.com/tidings-mail/tidings/web/session"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "tidings:", err)
		os.Exit(1)
	}
}

// run is main without the process: tests call it with their own arguments,
// environment and context.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)

	demoMode := cfg.demo()
	if demoMode {
		srv, err := demo.Start(time.Now())
		if err != nil {
			return fmt.Errorf("start demo mail server: %w", err)
		}
		defer srv.Close()
		cfg.IMAP.Addr, cfg.IMAP.TLS = srv.Addr, imapproxy.TLSNone
		sink, err := startDemoSink(srv, &cfg.Send, log)
		if err != nil {
			return err
		}
		defer sink.Close()
		log.Warn("no -imap given: running the DEMO with an in-memory mail server; nothing is kept")
	}
	if cfg.IMAP.InsecureSkipVerify {
		log.Warn("IMAP certificates are NOT verified (-imap-insecure-skip-verify); use only with a test server")
	}
	log.Info("configuration", cfg.logAttrs()...)

	pool := imapproxy.NewPool(cfg.IMAP, log)
	var store session.Store = session.NewMemoryStore()
	if cfg.Redis != "" {
		rs, err := session.NewRedisStore(ctx, cfg.Redis)
		if err != nil {
			return fmt.Errorf("connect to Redis at %s: %w", redactURL(cfg.Redis), err)
		}
		defer rs.Close()
		store = rs
	}
	sessions, err := session.NewManager(cfg.Session, store)
	if err != nil {
		return err
	}
	compose, err := newCompose(&cfg.Send, cfg.Session.MaxLifetime, log)
	if err != nil {
		return err
	}
	defer compose.Store.Close()
	compose.Location = cfg.Location // attribution lines ("On … wrote:")
	backend := handlers.WithComposeCleanup(handlers.PoolBackend{Pool: pool}, compose.Store)
	var userData handlers.UserData
	if ud, ok := store.(handlers.UserData); ok {
		userData = ud // settings for mail servers without METADATA
	}
	app := web.New(web.Config{TrustProxy: cfg.TrustProxy, Demo: demoMode, Compose: compose, Location: cfg.Location, UserData: userData},
		log, backend, sessions)

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	httpSrv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of large attachments
		WriteTimeout:      15 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	httpSrv.RegisterOnShutdown(app.EndStreams)
	url := "http://" + ln.Addr().String() + "/"
	log.Info("listening", "url", url)
	if demoMode {
		fmt.Fprintf(stdout, "\nTidings demo is running at %s\nSign in as demo / demo.\n\n", url)
	}

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests, logging out of IMAP")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = httpSrv.Shutdown(shutdownCtx)
	if perr := pool.Close(shutdownCtx); err == nil {
		err = perr
	}
	return err
}
