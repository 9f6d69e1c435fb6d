from scheduling.app import main

main()
