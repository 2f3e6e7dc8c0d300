# The two set-up commands are `make run` and `make test` (README.md). Both install what is
# missing (scripts/bootstrap.sh), build, and then run the server or every test suite.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
HUDHUD_FLAGS ?=

.PHONY: all deps build web run test bench clean format

all: build

deps:
	@bash scripts/bootstrap.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@ninja -C $(BUILD_DIR) -j $(JOBS)
	@$(MAKE) --no-print-directory web

web:
	@if [ -f web/package.json ]; then cd web && npm run --silent build; fi

run: build
	./$(BUILD_DIR)/hudhud serve $(HUDHUD_FLAGS)

test: build
	@bash scripts/test.sh $(BUILD_DIR)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) web/dist
