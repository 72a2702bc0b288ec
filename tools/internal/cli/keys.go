package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/familytime/familytime/services/platform/pgpool"
	"github.com/familytime/familytime/services/platform/seal"
	"github.com/familytime/familytime/tools/internal/devserver"
)

func newKeysCommand() *cobra.Command {
	var dataDir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "The family keys of the running familytime dev: status, and rotation of the key-encryption key",
		Long: `keys works on the key stores of the running familytime dev: one database per service that holds
personal data (<prefix><service>_keys), apart from its events. Each family's data key is stored
wrapped by a key-encryption key (KEK); the dev platform keeps its KEKs in <data>/keks, one 0600
file each, the last by name the newest.

  keys status   how many family keys each KEK wraps, and how many families are erased
  keys rotate   add a new KEK and re-wrap every family key with it

In production the KEKs come from -kek-dir (KEK_DIR) or KEKS, and each service re-wraps its keys
in the background; see docs/runbook.md, "Rotating the key-encryption key".`,
		Args: cobra.NoArgs,
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data", defaultDataDir, "data folder of the running familytime dev")
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON for scripts")

	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Add a new key-encryption key and re-wrap every family key with it",
		Long: `rotate adds a new key-encryption key to <data>/keks, which from now on wraps every new family
key, and re-wraps each service's existing family keys with it, a batch at a time, printing its
progress. Shredded families stay shredded: a tombstone holds no key to re-wrap. Old KEK files are
kept, so data sealed before still opens while anything still uses them; the running platform
takes the new KEK up on its own. Running it twice is safe.`,
		Example: `  familytime keys rotate
  familytime keys rotate --data /tmp/ft-dev --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info, err := readDevInfo(dataDir)
			if err != nil {
				return err
			}
			progress := func(service string, st seal.RewrapStats) {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d keys re-wrapped\n", service, st.Rewrapped)
			}
			result, err := rotateDevKEK(cmd.Context(), info, progress)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), result)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "new key-encryption key\t%s\n", result.KEKID)
			for _, svc := range slices.Sorted(maps.Keys(result.Services)) {
				st := result.Services[svc]
				fmt.Fprintf(tw, "%s\t%d re-wrapped, %d skipped (shredded or re-wrapped meanwhile)\n", svc, st.Rewrapped, st.Skipped)
			}
			return tw.Flush()
		},
	}

	status := &cobra.Command{
		Use:   "status",
		Short: "How many family keys each key-encryption key wraps, and how many families are erased",
		Long: `status counts, in each service's key store, the live family keys by the id of the key-encryption
key that wraps them, and the erased (shredded) families. It shows no key. Once no live key names
an old KEK, that KEK can be retired.`,
		Example: `  familytime keys status
  familytime keys status --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info, err := readDevInfo(dataDir)
			if err != nil {
				return err
			}
			statuses, err := devKeyStatus(cmd.Context(), info)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), statuses)
			}
			return printKeyStatus(cmd.OutOrStdout(), statuses)
		},
	}
	cmd.AddCommand(rotate, status)
	return cmd
}

// keysRotation is what `keys rotate` did.
type keysRotation struct {
	// KEKID is the new key-encryption key, now the one that wraps.
	KEKID    string                      `json:"kek_id"`
	Services map[string]seal.RewrapStats `json:"services"`
}

// keyStoreStatus is one service's key store.
type keyStoreStatus struct {
	Service string `json:"service"`
	seal.Status
}

// devSealers opens a sealer on each key store of the running dev platform, with its KEK folder.
func devSealers(ctx context.Context, info devserver.Info, each func(service string, s *seal.Sealer) error) error {
	if info.KEKDir == "" || info.KeyStores == nil {
		return errors.New("the running familytime dev has no key stores (it predates them): stop it and start it again")
	}
	ring, err := seal.OpenKEKDir(info.KEKDir, "")
	if err != nil {
		return err
	}
	for _, svc := range slices.Sorted(maps.Keys(info.KeyStores)) {
		pool, err := pgpool.Open(ctx, info.KeyStores[svc], 2)
		if err != nil {
			return fmt.Errorf("%s key store: %w (is the familytime dev still running?)", svc, err)
		}
		err = each(svc, seal.New(pool, ring))
		pool.Close()
		if err != nil {
			return fmt.Errorf("%s key store: %w", svc, err)
		}
	}
	return nil
}

// rotateDevKEK adds a KEK to the dev platform's folder and re-wraps every key store with it.
func rotateDevKEK(ctx context.Context, info devserver.Info, progress func(service string, st seal.RewrapStats)) (keysRotation, error) {
	result := keysRotation{Services: map[string]seal.RewrapStats{}}
	if info.KEKDir == "" {
		return result, errors.New("the running familytime dev has no key stores (it predates them): stop it and start it again")
	}
	id, err := seal.CreateKEKFile(info.KEKDir)
	if err != nil {
		return result, err
	}
	result.KEKID = id
	err = devSealers(ctx, info, func(svc string, s *seal.Sealer) error {
		st, err := s.Rewrap(ctx, 100, func(st seal.RewrapStats) { progress(svc, st) })
		result.Services[svc] = st
		return err
	})
	if err != nil {
		// Review 90 L5: a driver's "unexpected EOF" alone left the operator to guess what state the
		// keys were in. Each key is re-wrapped in a transaction of its batch: it is under the old
		// key or the new, never neither, and both key files are kept; each service re-wraps what is
		// left by itself too (seal.RewrapLoop).
		return result, fmt.Errorf("%w\nthe rotation stopped part-way: new key-encryption key %s is in place and wraps new family keys; "+
			"the keys re-wrapped so far are under it, the others still under the old one, which is kept, so every family's data "+
			"still opens and nothing is lost. The running services re-wrap what is left by themselves within 10 minutes; "+
			"familytime keys status shows how many keys each key-encryption key still wraps (running keys rotate again adds "+
			"another key and re-wraps every key under it)", err, id)
	}
	return result, nil
}

func devKeyStatus(ctx context.Context, info devserver.Info) ([]keyStoreStatus, error) {
	var out []keyStoreStatus
	err := devSealers(ctx, info, func(svc string, s *seal.Sealer) error {
		st, err := s.Status(ctx)
		out = append(out, keyStoreStatus{Service: svc, Status: st})
		return err
	})
	return out, err
}

func printKeyStatus(w io.Writer, statuses []keyStoreStatus) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tKEK\tLIVE KEYS\tWRAPS NEW KEYS")
	for _, st := range statuses {
		ids := slices.Sorted(maps.Keys(st.Live))
		if !slices.Contains(ids, st.Primary) {
			ids = append(ids, st.Primary)
		}
		for _, id := range ids {
			primary := ""
			if id == st.Primary {
				primary = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", st.Service, id, st.Live[id], primary)
		}
		fmt.Fprintf(tw, "%s\t(shredded)\t%s\t\n", st.Service, strconv.Itoa(st.Shredded))
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
