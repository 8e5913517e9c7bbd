// A program outside plancast's tree, built against the installed package: loads a scenario
// (path given) at 1,000 runs, runs it and prints each target's hits and probability. Only
// names from <plancast/plancast.h>.
#include <plancast/plancast.h>

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: package_app SCENARIO\n";
    return 2;
  }
  try {
    plancast::LoadOptions options;
    options.runs = 1000;
    const plancast::Scenario scenario =
        plancast::api::load(plancast::api::ScenarioSource::file(argv[1]), options);
    const plancast::api::RunOutput out = plancast::api::run(scenario);
    for (const plancast::TargetResult& target : out.results.targets) {
      std::cout << target.id << " hits=" << target.p.hits << " probability=" << target.p.probability
                << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "package_app: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
