package emulator

import (
	"encoding/json"
	"net/http"
)

// serveControl answers the emulator's own endpoints:
//
//	GET  /_emulator/health  200 "ok"
//	GET  /_emulator/stats   Stats as JSON
//	GET  /_emulator/messages  the SMS and email codes sent (Messages)
//	POST /_emulator/reset   ResetStats
//	POST /_emulator/faults  {"Operation":"X","Count":n,"Code":"E"} = FailNext,
//	                        {"Operation":"X","Nth":n,"Code":"E"} = FailNth
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.Method + " " + r.URL.Path {
	case "GET /_emulator/health":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	case "GET /_emulator/stats":
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s.Stats())
	case "GET /_emulator/messages":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Messages())
	case "POST /_emulator/reset":
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	case "POST /_emulator/faults":
		var f struct {
			Operation  string
			Count, Nth int
			Code       string
		}
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil || f.Operation == "" || f.Code == "" || (f.Count > 0) == (f.Nth > 0) {
			http.Error(w, `want {"Operation":"...","Code":"...","Count":n} or {... "Nth":n}`, http.StatusBadRequest)
			return
		}
		code, err := faultCode(f.Code)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if f.Count > 0 {
			s.FailNext(f.Operation, f.Count, code)
		} else {
			s.FailNth(f.Operation, f.Nth, code)
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}
