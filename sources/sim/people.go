package sim

import (
	"fmt"
	"math/rand/v2"
)

// The people of the world. Seed 1 keeps the rosters the tests name (rosters, data.go);
// every other seed draws each region's team from a larger pool of names, so that another
// seed is another team, not only another week of the same one.

// namePool is who may be drawn into a region's team, by roster key.
var namePool = map[string][]string{
	"EMEA": {"Ana Kowalska", "Tomás Ferreira", "Ingrid Solberg", "Yusuf Demir", "Chloé Martin", "Piotr Nowak", "Amara Okafor",
		"Lukas Brandt", "Sofia Rossi", "Niamh Byrne", "Mateo Navarro", "Elif Aydın", "Jonas Lindqvist", "Fatima Haddad", "Oskar Wójcik"},
	"AMER": {"Jordan Reyes", "Priya Raman", "Marcus Bell", "Sofía Herrera", "Ethan Clarke", "Dana Whitfield",
		"Camila Souza", "Tyler Brooks", "Grace Okonkwo", "Diego Alvarez", "Hannah Nguyen", "Caleb Foster", "Renata Lima"},
	"APAC": {"Kenji Watanabe", "Mei Lin", "Arjun Mehta", "Hana Kim", "Liam O'Connor",
		"Siti Rahman", "Haruto Sato", "Ananya Iyer", "Minh Tran", "Chloe Walker", "Ravi Kapoor"},
	"": {"Alex Morgan", "Sam Rivera", "Robin Park", "Kai Müller", "Jamie Chen", "Noor Ali", "Taylor Quinn", "Rowan Ellis"},
}

// regionKeys are the roster keys in the order people are numbered.
var regionKeys = []string{"EMEA", "AMER", "APAC", ""}

// teamsFor is each roster key's team for a seed: seed 1's are the fixed rosters; other
// seeds draw five to seven people a region (four for the generic team, which holds the
// incident manager first), never two with the same username.
func teamsFor(seed uint64) map[string][]string {
	if seed == 1 {
		return rosters
	}
	r := rand.New(rand.NewPCG(seed, 0x7ea5))
	taken := map[string]bool{}
	out := map[string][]string{}
	for _, key := range regionKeys {
		pool := append([]string(nil), namePool[key]...)
		r.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
		size := 5 + r.IntN(3)
		if key == "" {
			size = 4
		}
		for _, name := range pool {
			if len(out[key]) == size {
				break
			}
			if u := usernameOf(name); !taken[u] {
				taken[u] = true
				out[key] = append(out[key], name)
			}
		}
	}
	return out
}

// imocFor is the incident manager of a seed's world: paged directly on the last level of
// the default policy. Robin Park in seed 1's.
func imocFor(seed uint64) string {
	if seed == 1 {
		return imocName
	}
	return teamsFor(seed)[""][0]
}

// addPeople creates the seed's people: a GitLab and a PagerDuty user each, same email.
func (s *Sim) addPeople() {
	teams := teamsFor(s.opts.Seed)
	for _, region := range regionKeys {
		for _, name := range teams[region] {
			s.users = append(s.users, &person{
				glID: int64(4_100_000 + len(s.users)*137), pdID: fmt.Sprintf("P%06X", s.hash(name)%0xFFFFFF),
				name: name, username: usernameOf(name), region: region, tz: regionTZ[region],
			})
		}
	}
}
