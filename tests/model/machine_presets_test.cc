// Machine presets: every preset is the bundled machine with only its sourced changes, memory costs
// given in nanoseconds turn into cycles at the preset's clock, and a name that is neither a preset
// nor a file is refused with the list of presets.
#include <gtest/gtest.h>

#include <string>

#include "model/support/error.h"
#include "model/timing/machine.h"

namespace pietune::model {
namespace {

TEST(MachinePresets, EachIsTheBundledMachineWithItsSourcedChanges) {
  const std::vector<std::string> names = machine_preset_names();
  ASSERT_GE(names.size(), 4u);
  EXPECT_EQ(names.front(), "esp32s3");
  for (const std::string& name : names) {
    const std::optional<Machine> m = find_machine_preset(name);
    ASSERT_TRUE(m) << name;
    EXPECT_EQ(m->name, name);
    EXPECT_EQ(m->params.size(), default_machine().params.size()) << name;
    for (const auto& [key, param] : m->params) EXPECT_FALSE(param.source.empty()) << name << " " << key;
    if (name != "esp32s3") {
      EXPECT_NE(m->hash, default_machine().hash) << name;
    }
  }
  EXPECT_EQ(find_machine_preset("esp32s3")->hash, default_machine().hash);
  EXPECT_FALSE(find_machine_preset("esp32s3.json"));
}

TEST(MachinePresets, ConfigurationsTheyStandFor) {
  const Machine tflm = *find_machine_preset("esp-tflite-micro");
  EXPECT_EQ(tflm.clock_hz, 240e6);
  EXPECT_EQ(tflm.dcache_size_bytes, 64 * 1024);
  EXPECT_EQ(tflm.dcache_line_bytes, 64);
  EXPECT_EQ(tflm.dcache_ways, 8);
  const Machine app = *find_machine_preset("espnn-test-app");
  EXPECT_EQ(app.dcache_size_bytes, 64 * 1024);
  // Quad PSRAM at 80 MHz moves a quarter of the octal part's bytes per clock.
  EXPECT_GT(app.psram_fill_cycles_per_byte, 4 * default_machine().psram_fill_cycles_per_byte - 0.5);
  const Machine idf = *find_machine_preset("esp-idf-default");
  EXPECT_EQ(idf.clock_hz, 160e6);
  EXPECT_EQ(idf.dcache_size_bytes, default_machine().dcache_size_bytes);
}

// PSRAM and flash run on their own clocks: at 160 MHz a fill takes two thirds of the cycles it
// takes at 240 MHz; the bundled machine keeps its measured 75 + 1.43 cycles/byte.
TEST(MachinePresets, MemoryNanosecondsScaleWithTheClock) {
  const Machine& m = default_machine();
  EXPECT_NEAR(m.psram_fill_fixed_cycles, 75.0, 1e-6);
  EXPECT_NEAR(m.psram_fill_cycles_per_byte, 1.43, 1e-6);
  EXPECT_NEAR(m.psram_writeback_cycles_per_byte, 2.61, 1e-6);
  EXPECT_NEAR(m.flash_fill_fixed_cycles, 100.0, 1e-6);
  EXPECT_NEAR(m.flash_fill_cycles_per_byte, 6.0, 1e-6);
  const Machine idf = *find_machine_preset("esp-idf-default");
  EXPECT_NEAR(idf.psram_line_fill_cycles(), m.psram_line_fill_cycles() * 160.0 / 240.0, 1e-6);
  // DIO flash: half the bits per clock of QIO, twice the time per byte.
  EXPECT_NEAR(idf.flash_fill_cycles_per_byte, 2 * m.flash_fill_cycles_per_byte * 160.0 / 240.0, 1e-6);
}

TEST(MachinePresets, UnknownNameListsThePresets) {
  try {
    load_machine_or_preset("esp32s9");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "esp32s9: neither a machine file nor a preset (presets: esp32s3, esp-idf-default, esp-tflite-micro, "
              "espnn-test-app)");
  }
  EXPECT_EQ(load_machine_or_preset("espnn-test-app").name, "espnn-test-app");
  EXPECT_EQ(load_machine_or_preset(PIETUNE_SOURCE_DIR "/model/machines/presets/esp-idf-default.json").hash,
            find_machine_preset("esp-idf-default")->hash);
}

}  // namespace
}  // namespace pietune::model
